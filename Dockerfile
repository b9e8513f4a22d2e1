# The replica image for real registries: the CLI, the server, and the worker that the kubernetes
# platform's Jobs run (`replica worker restore-db | sync-media | list-backups`).
#   docker build -t registry.example.org/replica:2026.11 .
#   docker build --build-arg BASE=registry.example.org/debian:bookworm-slim --build-arg SDK=… .
# then set targets.NAME.kubernetes.replica_image (or $REPLICA_IMAGE) to that reference.
#
# No registry is reachable from the development machines, so there deploy/image/build makes the
# same image (deploy/image/Containerfile: the final stage below, FROM a debootstrap base with the
# same packages) and tests/Replica.Image.Tests runs it. Keep the two final stages alike.

# Any Debian or Ubuntu base with glibc: replica is published self-contained. On a base whose own
# source has no postgresql-15 (not Debian bookworm), give one that already carries it.
ARG BASE=debian:bookworm-slim
ARG SDK=mcr.microsoft.com/dotnet/sdk:10.0
ARG RID=linux-x64

FROM ${SDK} AS build
ARG RID
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props replica.slnx ./
COPY src/ src/
RUN dotnet publish src/Replica/Replica.csproj -c Release -r ${RID} --self-contained true -o /app --nologo

FROM ${BASE}
# PostgreSQL 15 from the base's own package source: the client tools for the restore worker
# (pg_restore decodes custom-format dumps), the server for a database container of this image.
# postgres is uid/gid 999, as in the official postgres image, so a pod's runAsUser/fsGroup 999
# fits either. Skipped when the base already has them (deploy/image/build's base does).
RUN if [ ! -x /usr/lib/postgresql/15/bin/pg_restore ]; then \
        groupadd --system --gid 999 postgres \
     && useradd --system --uid 999 --gid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres \
     && apt-get update \
     && apt-get install -y --no-install-recommends postgresql-15 ca-certificates tzdata procps \
     && rm -rf /var/lib/apt/lists/* /var/lib/postgresql/15/main /etc/postgresql/15/main; \
    fi
# The Jobs run as uid 10001 (runAsNonRoot); the id is fixed so pod securityContexts can name it.
RUN groupadd --gid 10001 replica \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin replica
COPY --from=build /app /opt/replica
RUN ln -s /opt/replica/replica /usr/local/bin/replica
USER 10001:10001
ENTRYPOINT ["replica"]
