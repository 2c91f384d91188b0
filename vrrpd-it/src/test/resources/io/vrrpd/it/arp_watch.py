# Prints every ARP frame seen on eth0 for SECONDS seconds, one line each:
# "SECONDS.NANOS OP SENDER_MAC SENDER_IP TARGET_IP" (OP 1 request, 2 reply). Prints "ready" once bound.
# Usage: python3 -c "$(cat arp_watch.py)" SECONDS
import socket
import struct
import sys
import time

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind(("eth0", 0x0806))
s.settimeout(0.05)
print("ready", flush=True)
deadline = time.time() + float(sys.argv[1])
while time.time() < deadline:
    try:
        frame = s.recv(2048)
    except socket.timeout:
        continue
    if len(frame) < 42:
        continue
    op = struct.unpack("!H", frame[20:22])[0]
    print("%.6f %d %s %s %s" % (time.time(), op, frame[22:28].hex(":"), socket.inet_ntoa(frame[28:32]),
                                socket.inet_ntoa(frame[38:42])), flush=True)
