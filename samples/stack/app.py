#!/usr/bin/env python3
"""A stand-in for the real stack: serves /healthz and a page showing what it sees.

replica starts it with REPLICA_TARGET, STACK_IMAGE_TAG, DATABASE_URL, PG* and
MEDIA_ROOT in its environment and PORT to listen on (127.0.0.1 only). It reads
the database with psql, so it needs nothing beyond Python's standard library.
"""
import html
import os
import subprocess
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TAG = os.environ.get("STACK_IMAGE_TAG", "?")
TARGET = os.environ.get("REPLICA_TARGET", "?")
MEDIA = os.environ.get("MEDIA_ROOT", "")


def psql(sql):
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-c", sql],
                         capture_output=True, text=True, timeout=10)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip())
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def row_counts():
    tables = psql("SELECT schemaname || '.' || tablename FROM pg_tables "
                  "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")
    counts = []
    for (name,) in tables:
        schema, table = name.split(".", 1)
        (n,), = psql(f'SELECT count(*) FROM "{schema}"."{table}"')
        counts.append((name, int(n)))
    return counts


def media_files():
    total = 0
    for _, _, files in os.walk(MEDIA):
        total += len(files)
    return total


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/healthz":
            try:
                psql("SELECT 1")
                self.reply(200, "text/plain", "ok\n")
            except Exception as e:  # not ready: the database does not answer yet
                self.reply(503, "text/plain", f"database not reachable: {e}\n")
            return
        if self.path != "/":
            self.reply(404, "text/plain", "not found\n")
            return
        rows = "".join(f"<tr><td>{html.escape(t)}</td><td>{n}</td></tr>" for t, n in row_counts())
        try:  # the first users, so a developer's copy shows whether their personal data was masked
            users = "".join(f"<tr><td>{html.escape(u)}</td><td>{html.escape(e)}</td><td>{html.escape(f)}</td></tr>"
                            for u, e, f in psql("SELECT username, email, first_name FROM auth_user ORDER BY id LIMIT 3"))
        except Exception:
            users = ""
        body = f"""<!doctype html><html><head><title>stack {html.escape(TARGET)}</title></head><body>
<h1>Stack <span id="target">{html.escape(TARGET)}</span></h1>
<p>Image tag: <b id="image-tag">{html.escape(TAG)}</b></p>
<p>Database: {html.escape(os.environ.get('PGDATABASE', '?'))} on {html.escape(os.environ.get('PGHOST', '?'))}:{html.escape(os.environ.get('PGPORT', '?'))}</p>
<table id="tables"><tr><th>table</th><th>rows</th></tr>{rows}</table>
<table id="users"><tr><th>username</th><th>email</th><th>first name</th></tr>{users}</table>
<p>Media files: <b id="media-files">{media_files()}</b> in {html.escape(MEDIA)}</p>
</body></html>"""
        self.reply(200, "text/html; charset=utf-8", body)

    def reply(self, code, kind, text):
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        print(f"{self.address_string()} {fmt % args}", flush=True)


if __name__ == "__main__":
    port = int(os.environ["PORT"])
    print(f"stack {TARGET} on image tag {TAG} listening on 127.0.0.1:{port}", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
