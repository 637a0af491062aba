"""A websocket echo server (standard library only) for Paasmaker's router test.

GET /      a plain page
GET /echo  upgrades to a websocket (RFC 6455) and echoes every text or
           binary message back; answers pings; closes on a close frame.

Usage: python3 app.py PORT  (binds PM_LISTEN_ADDRESS, or every interface when
it is unset).
"""
import base64
import hashlib
import os
import signal
import socketserver
import struct
import sys

# Where the heart says routers reach this instance; all interfaces (which
# include it) when run by hand.
LISTEN_ADDRESS = os.environ.get("PM_LISTEN_ADDRESS", "0.0.0.0")

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_exact(stream, count):
    data = b""
    while len(data) < count:
        chunk = stream.read(count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def send_frame(stream, opcode, payload):
    header = bytes([0x80 | opcode])
    if len(payload) < 126:
        header += bytes([len(payload)])
    elif len(payload) < 65536:
        header += bytes([126]) + struct.pack("!H", len(payload))
    else:
        header += bytes([127]) + struct.pack("!Q", len(payload))
    stream.write(header + payload)
    stream.flush()


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        request_line = self.rfile.readline().decode("latin-1").strip()
        headers = {}
        while True:
            line = self.rfile.readline().decode("latin-1").strip()
            if not line:
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        path = request_line.split(" ")[1] if " " in request_line else "/"
        if path != "/echo" or headers.get("upgrade", "").lower() != "websocket":
            body = b"websocket echo: connect to /echo\n"
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                             b"Connection: close\r\n\r\n" % len(body) + body)
            return
        accept = base64.b64encode(hashlib.sha1(headers["sec-websocket-key"].encode() + GUID).digest())
        self.wfile.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        self.wfile.flush()
        try:
            while True:
                first, second = read_exact(self.rfile, 2)
                opcode = first & 0x0F
                length = second & 0x7F
                if length == 126:
                    length = struct.unpack("!H", read_exact(self.rfile, 2))[0]
                elif length == 127:
                    length = struct.unpack("!Q", read_exact(self.rfile, 8))[0]
                mask = read_exact(self.rfile, 4) if second & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(read_exact(self.rfile, length)))
                if opcode == 0x8:
                    send_frame(self.wfile, 0x8, payload[:2])
                    return
                if opcode == 0x9:
                    send_frame(self.wfile, 0xA, payload)
                elif opcode in (0x1, 0x2):
                    send_frame(self.wfile, opcode, payload)
        except (EOFError, ConnectionError):
            return


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    with Server((LISTEN_ADDRESS, int(sys.argv[1])), Handler) as server:
        print("websocket echo listening on %s:%s" % (LISTEN_ADDRESS, sys.argv[1]), flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
