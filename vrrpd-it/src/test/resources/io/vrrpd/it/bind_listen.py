# Binds and listens on ADDRESS:PORT (TCP), then prints "bound ADDRESS PORT". Exits 1 with the error if bind fails.
# Usage: python3 -c "$(cat bind_listen.py)" ADDRESS PORT
import socket
import sys

address, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind((address, port))
    s.listen(1)
except OSError as e:
    print("bind failed: %s" % e, file=sys.stderr)
    sys.exit(1)
print("bound", address, port)
