"""A tiny web app for Paasmaker: shows what the platform hands an instance.

GET /     an HTML page: "Hello from Paasmaker", the app's name and version
          (from PM_METADATA), the content of the file VERSION if there is
          one, and the raw PM_PORT, PM_LISTEN_ADDRESS, PM_SERVICES and PM_METADATA.
GET /env  JSON {"PM_PORT", "PM_LISTEN_ADDRESS", "PM_SERVICES", "PM_METADATA"}
          (the last two parsed).
GET /headers  JSON of the request headers (lower-cased names), e.g. X-Forwarded-*.

Usage: python3 app.py PORT  (Paasmaker passes the port; binds PM_LISTEN_ADDRESS,
or every interface when it is unset).
Standard library only.
"""
import html
import json
import os
import signal
import socketserver
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
# Where the heart says routers reach this instance; all interfaces (which
# include it) when run by hand.
LISTEN_ADDRESS = os.environ.get("PM_LISTEN_ADDRESS", "0.0.0.0")


def parsed_env(name):
    """The JSON in an environment variable, or its raw text if it is not JSON."""
    raw = os.environ.get(name)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def version_note():
    """The content of VERSION beside this file, if any (tests write it to make a visibly different v2)."""
    try:
        with open(os.path.join(HERE, "VERSION"), encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Buffered: headers and body leave in one write, flushed when the request
    # is done. Unbuffered, an instance killed between the two writes has sent
    # its headers alone, and no router can retry a response it began to relay.
    wbufsize = 64 * 1024

    def send(self, status, content_type, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        env = {
            "PM_PORT": os.environ.get("PM_PORT"),
            "PM_LISTEN_ADDRESS": os.environ.get("PM_LISTEN_ADDRESS"),
            "PM_SERVICES": parsed_env("PM_SERVICES"),
            "PM_METADATA": parsed_env("PM_METADATA"),
        }
        if path == "/env":
            self.send(200, "application/json", json.dumps(env, indent=2, sort_keys=True) + "\n")
            return
        if path == "/headers":  # what the router told the app about the request
            headers = {name.lower(): value for name, value in self.headers.items()}
            self.send(200, "application/json", json.dumps(headers, indent=2, sort_keys=True) + "\n")
            return
        if path != "/":
            self.send(404, "text/plain; charset=utf-8", "not found\n")
            return
        metadata = env["PM_METADATA"] if isinstance(env["PM_METADATA"], dict) else {}
        app = metadata.get("application") or {}
        services = env["PM_SERVICES"] if isinstance(env["PM_SERVICES"], dict) else {}
        greeting = (services.get("settings") or {}).get("greeting", "hello")
        note = version_note()
        parts = [
            "<!doctype html><html><head><title>Hello from Paasmaker</title></head><body>",
            "<h1>Hello from Paasmaker</h1>",
            "<p>Greeting: %s</p>" % html.escape(str(greeting)),
            "<p>Application: %s, version %s</p>"
            % (html.escape(str(app.get("name", "?"))), html.escape(str(app.get("version", "?")))),
        ]
        if note is not None:
            parts.append('<p class="version-file">VERSION: %s</p>' % html.escape(note))
        for name in ("PM_PORT", "PM_LISTEN_ADDRESS", "PM_SERVICES", "PM_METADATA"):
            parts.append("<h2>%s</h2><pre>%s</pre>" % (name, html.escape(json.dumps(env[name], indent=2, sort_keys=True))))
        parts.append("</body></html>\n")
        self.send(200, "text/html; charset=utf-8", "\n".join(parts))

    def log_message(self, fmt, *args):
        # One line per request on stdout: it becomes the instance log.
        sys.stdout.write("%s %s\n" % (self.address_string(), fmt % args))
        sys.stdout.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True  # a slow client must not hold up exiting

    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN, which can stall for
        # seconds without DNS; the name is not needed.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("PM_PORT", "8000"))
    server = Server((LISTEN_ADDRESS, port), Handler)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print("hello listening on %s:%d" % (LISTEN_ADDRESS, port), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.server_close()
        print("hello stopped", flush=True)


if __name__ == "__main__":
    main()
