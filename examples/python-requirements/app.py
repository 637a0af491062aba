"""A web app whose dependency (the local `greeting` package) is installed by
the prepare step from requirements.txt. Reads PM_PORT and PM_LISTEN_ADDRESS.

GET /  "<greeting> (python X.Y.Z)"
"""
import os
import platform
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import greeting


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = (greeting.greet("python-requirements") + " (python " + platform.python_version() + ")\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ThreadingHTTPServer((os.environ.get("PM_LISTEN_ADDRESS", "0.0.0.0"), int(os.environ.get("PM_PORT", "8000"))),
                    Handler).serve_forever()
