"""A web app that keeps notes in its managed Redis (paasmaker.service.managedredis).

It reaches Redis only through the credentials in PM_SERVICES["notes"]
({"host", "port", "password"} and, with Redis ACL users, "user"), with a
tiny RESP client from the standard library, so it proves the service's
address and credentials work from wherever the instance runs.

GET /               SETs a fresh random key, GETs it back and DELetes it:
                    200 "redis round trip ok <value>", else 500 with the error.
GET /set?value=V    SET the shared note to V: 200 "stored V".
GET /get            200 "note: V" (the shared note; "note: " when unset).

Usage: python3 app.py PORT. Binds PM_LISTEN_ADDRESS, the address the heart
hands out for routers on other hosts to reach, or every interface without
it. Standard library only.
"""
import json
import os
import secrets
import signal
import socket
import socketserver
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NOTE_KEY = "redis-notes:shared"


class RedisError(Exception):
    pass


def credentials():
    services = json.loads(os.environ.get("PM_SERVICES") or "{}")
    notes = services.get("notes")
    if not isinstance(notes, dict):
        raise RedisError("PM_SERVICES has no 'notes' service: %r" % sorted(services))
    return notes


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode("utf-8")
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def read_reply(f):
    line = f.readline()
    if not line.endswith(b"\r\n"):
        raise RedisError("connection closed by Redis")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RedisError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        if size < 0:
            return None
        data = f.read(size + 2)
        return data[:-2].decode("utf-8", "replace")
    if kind == b"*":
        count = int(rest)
        return None if count < 0 else [read_reply(f) for _ in range(count)]
    raise RedisError("unexpected reply %r" % line)


def redis_commands(*commands):
    """Runs the commands on one fresh, authenticated connection; their replies."""
    c = credentials()
    with socket.create_connection((c["host"], int(c["port"])), timeout=5) as sock:
        f = sock.makefile("rb")
        password = c.get("password")
        if password:
            auth = ["AUTH", c["user"], password] if c.get("user") else ["AUTH", password]
            sock.sendall(encode(auth))
            read_reply(f)
        replies = []
        for command in commands:
            sock.sendall(encode(command))
            replies.append(read_reply(f))
        return replies


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 64 * 1024  # headers and body in one write (see python-hello)

    def send(self, status, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        try:
            if url.path == "/":
                key = "redis-notes:probe:" + secrets.token_hex(8)
                value = secrets.token_hex(8)
                _, got, _ = redis_commands(["SET", key, value], ["GET", key], ["DEL", key])
                if got != value:
                    self.send(500, "redis round trip FAILED: wrote %s, read %r\n" % (value, got))
                    return
                self.send(200, "redis round trip ok %s\n" % value)
            elif url.path == "/set":
                value = (query.get("value") or [""])[0]
                redis_commands(["SET", NOTE_KEY, value])
                self.send(200, "stored %s\n" % value)
            elif url.path == "/get":
                (value,) = redis_commands(["GET", NOTE_KEY])
                self.send(200, "note: %s\n" % (value or ""))
            else:
                self.send(404, "not found\n")
        except (OSError, RedisError, ValueError, KeyError) as e:
            self.send(500, "redis error: %s\n" % e)

    def log_message(self, fmt, *args):
        sys.stdout.write("%s %s\n" % (self.address_string(), fmt % args))
        sys.stdout.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a router's concurrency must not overflow the backlog

    def server_bind(self):
        # Skip HTTPServer's FQDN lookup, which can stall without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("PM_PORT", "8000"))
    address = os.environ.get("PM_LISTEN_ADDRESS", "")
    server = Server((address, port), Handler)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print("redis-notes listening on %s:%d" % (address or "*", port), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
