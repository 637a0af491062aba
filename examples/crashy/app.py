"""A web app that crashes: answers N requests (N from argv[2], default 3),
then exits with code 1 — for testing supervision and restarts.
Usage: python3 app.py PORT [N]. Stdlib only."""
import os
import signal
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

# Where the heart says routers reach this instance; all interfaces (which
# include it) when run by hand.
LISTEN_ADDRESS = os.environ.get("PM_LISTEN_ADDRESS", "0.0.0.0")
LIMIT = int(sys.argv[2]) if len(sys.argv) > 2 else 3
served = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        global served
        with lock:
            served += 1
            count = served
        body = ("crashy request %d of %d\n" % (count, LIMIT)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if count >= LIMIT:
            print("crashy: served %d requests, crashing" % count, flush=True)
            os._exit(1)


class Server(HTTPServer):
    def server_bind(self):
        # Skip HTTPServer's FQDN lookup, which stalls without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def main():
    server = Server((LISTEN_ADDRESS, int(sys.argv[1])), Handler)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    print("crashy listening on port %s, will exit after %d requests" % (sys.argv[1], LIMIT), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
