"""Rows in a PostgreSQL database: the standard library plus Debian's
python3-psycopg2. The database is the `db` service: DATABASE_URL, or its
credentials in PM_SERVICES. Reads PM_PORT and PM_LISTEN_ADDRESS.

POST /rows?value=X   stores X ("stored X")
GET  /write?value=X  the same, for a browser's address bar
GET  /rows           every stored value, one a line, oldest first
"""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import psycopg2


def database_url():
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return json.loads(os.environ.get("PM_SERVICES", "{}"))["db"]["url"]


def connect():
    # A connection per request: the app stays right when the server restarts.
    conn = psycopg2.connect(database_url(), connect_timeout=10)
    with conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS rows (id SERIAL PRIMARY KEY, value TEXT NOT NULL)")
    return conn


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, text):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def store(self):
        values = parse_qs(urlparse(self.path).query).get("value")
        if not values:
            return self.answer(400, "POST /rows?value=X\n")
        conn = connect()
        try:
            with conn, conn.cursor() as cur:
                cur.execute("INSERT INTO rows (value) VALUES (%s)", (values[0],))
        finally:
            conn.close()
        self.answer(200, "stored " + values[0] + "\n")

    def do_POST(self):
        if urlparse(self.path).path != "/rows":
            return self.answer(404, "POST /rows?value=X\n")
        self.store()

    def do_GET(self):
        if urlparse(self.path).path == "/write":
            return self.store()
        if urlparse(self.path).path != "/rows":
            return self.answer(200, "python-postgres: POST /rows?value=X, GET /rows\n")
        conn = connect()
        try:
            with conn, conn.cursor() as cur:
                cur.execute("SELECT value FROM rows ORDER BY id")
                rows = [row[0] for row in cur.fetchall()]
        finally:
            conn.close()
        self.answer(200, "".join(value + "\n" for value in rows))


ThreadingHTTPServer((os.environ.get("PM_LISTEN_ADDRESS", "0.0.0.0"), int(os.environ.get("PM_PORT", "8000"))),
                    Handler).serve_forever()
