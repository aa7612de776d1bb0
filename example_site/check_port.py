"""Fail early, with a clear message, when ``make demo`` cannot serve on the port it was given.

Run by the Makefile before anything is migrated or loaded: ``python check_port.py 8000``.
"""

import errno
import socket
import sys


def main(argv):
    value = argv[1] if len(argv) > 1 else ""
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        return f"PORT must be a number from 1 to 65535, not {value!r} (e.g. PORT=8001 make demo)."
    port = int(value)
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"Port {port} on 127.0.0.1 is in use: stop what runs there, "
                    f"or pick another port (PORT={port + 1} make demo)."
                )
            return f"Cannot serve on 127.0.0.1:{port}: {error.strerror}."
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv))
