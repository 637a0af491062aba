"""A minimal web instance: answers every GET with "worker-standalone web". Stdlib only."""
import os
import signal
import socketserver
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Where the heart says routers reach this instance; all interfaces (which
# include it) when run by hand.
LISTEN_ADDRESS = os.environ.get("PM_LISTEN_ADDRESS", "0.0.0.0")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"worker-standalone web\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self):
        # Skip HTTPServer's FQDN lookup, which stalls without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def main():
    server = Server((LISTEN_ADDRESS, int(sys.argv[1])), Handler)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    print("web listening on port", sys.argv[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
