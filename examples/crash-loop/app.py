"""A web app that crash-loops: it listens on its port, and shortly after the
heart's readiness probe has connected (so each start is seen RUNNING) it
exits with status 1. Each start and exit is printed with its unix time, so
the instance log (`paasmaker logs`) shows when the heart's restart policy
started it again. Usage: python3 app.py PORT. Stdlib only."""
import os
import socket
import sys
import time

# Where the heart says routers reach this instance; all interfaces (which
# include it) when run by hand.
LISTEN_ADDRESS = os.environ.get("PM_LISTEN_ADDRESS", "0.0.0.0")

# Long enough for the heart to record RUNNING after its probe connected.
LINGER_SECONDS = 1.0
# Exits anyway if nothing connects (the heart probes every 100 ms).
MAX_WAIT_SECONDS = 10


def main():
    port = int(sys.argv[1])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LISTEN_ADDRESS, port))
    listener.listen(16)
    print("crash-loop: started at %.3f on port %d" % (time.time(), port), flush=True)
    listener.settimeout(MAX_WAIT_SECONDS)
    try:
        connection, _ = listener.accept()
        connection.close()
        time.sleep(LINGER_SECONDS)
    except socket.timeout:
        pass
    print("crash-loop: exiting with status 1 at %.3f" % time.time(), flush=True)
    sys.exit(1)


if __name__ == "__main__":
    main()
