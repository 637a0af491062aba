"""A web app that reports the environment Paasmaker gave it, without values that could be secrets.

GET /      200 "env-report uid=N".
GET /env   JSON {"uid", "gid", "names": [every variable's name, sorted],
           "values": {the values of PATH, HOME, LANG and every PM_* variable}}.

Its prepare commands (manifest.yml) print the same for the prepare step into
the job log: prepare-uid=, prepare-env-names:, prepare-path=, prepare-home=.
Together they show whether instances and prepare commands run unprivileged
with a clean environment (only PM_*, the manifest's own, HOME, LANG, PATH).

Usage: python3 app.py PORT. Binds PM_LISTEN_ADDRESS, the address the heart
hands out for routers on other hosts to reach, or every interface without
it. Standard library only.
"""
import json
import os
import signal
import socketserver
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SHOWN = ("PATH", "HOME", "LANG")


def report():
    return {
        "uid": os.getuid(),
        "gid": os.getgid(),
        "names": sorted(os.environ),
        "values": {k: v for k, v in os.environ.items() if k in SHOWN or k.startswith("PM_")},
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 64 * 1024  # headers and body in one write (see python-hello)

    def send(self, status, content_type, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/env":
            self.send(200, "application/json", json.dumps(report(), indent=2, sort_keys=True) + "\n")
        elif path == "/":
            self.send(200, "text/plain; charset=utf-8", "env-report uid=%d\n" % os.getuid())
        else:
            self.send(404, "text/plain; charset=utf-8", "not found\n")

    def log_message(self, fmt, *args):
        sys.stdout.write("%s %s\n" % (self.address_string(), fmt % args))
        sys.stdout.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

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
    print("env-report listening on %s:%d" % (address or "*", port), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
