# The replica image: the CLI, the server, and the worker that the kubernetes platform's Jobs run
# (`replica worker restore-db | sync-media | list-backups`).
# No container engine runs on the development machines, so this file is not built there;
# `dotnet publish src/Replica/Replica.csproj -c Release -o out` is what it does, and that is tested.
#   docker build -t registry.example.org/replica:2026.11 .
# then set targets.NAME.kubernetes.replica_image (or $REPLICA_IMAGE) to that reference.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props replica.slnx ./
COPY src/ src/
RUN dotnet publish src/Replica/Replica.csproj -c Release -o /app --nologo

# aspnet rather than runtime: the same executable also hosts replica's server.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble
# PostgreSQL 15 client tools from the PostgreSQL project's repository: the restore worker runs
# pg_restore from /usr/lib/postgresql/15/bin to decode custom-format dumps.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && . /etc/os-release \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && apt-get purge -y curl && apt-get autoremove -y \
 && rm -rf /var/lib/apt/lists/*
# The Jobs run as uid 10001 (runAsNonRoot); the id is fixed so pod securityContexts can name it.
RUN groupadd --gid 10001 replica \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin replica
COPY --from=build /app /opt/replica
RUN ln -s /opt/replica/replica /usr/local/bin/replica
USER 10001:10001
ENTRYPOINT ["replica"]
