"""An exclusive standalone worker: only the current version's runs. Prints
"exclusive worker started <version> <unix time>" at start (the version from
PM_METADATA), then idles until SIGTERM."""
import json
import os
import signal
import sys
import time


def main():
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        metadata = json.loads(os.environ.get("PM_METADATA", "{}"))
    except ValueError:
        metadata = {}
    version = (metadata.get("application") or {}).get("version", "?")
    print("exclusive worker started %s %d" % (version, int(time.time())), flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()
