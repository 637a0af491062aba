"""A standalone worker (no port): every 0.5 s appends a heartbeat line to
heartbeat.log in its directory and prints it. Exits promptly on SIGTERM."""
import os
import signal
import sys
import time

HEARTBEAT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "heartbeat.log")


def main():
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    instance = os.environ.get("PM_INSTANCE_ID", "?")
    count = 0
    while True:
        count += 1
        line = "heartbeat %d %.3f %s" % (count, time.time(), instance)
        with open(HEARTBEAT, "a", encoding="utf-8") as f:
            f.write(line + "\n")
        print(line, flush=True)
        time.sleep(0.5)


if __name__ == "__main__":
    main()
