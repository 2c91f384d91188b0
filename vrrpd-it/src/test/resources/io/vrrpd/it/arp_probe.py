# Broadcasts one ARP request for TARGET on eth0 and prints every reply for it that arrives within WAIT
# seconds, one line each: "ARP_SENDER_MAC ETHERNET_SOURCE_MAC".
# Usage: python3 -c "$(cat arp_probe.py)" TARGET SENDER_IP WAIT
import socket
import struct
import sys
import time

target, sender_ip, wait = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind(("eth0", 0x0806))
mac = s.getsockname()[4]
arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + socket.inet_aton(sender_ip) + b"\x00" * 6 + socket.inet_aton(target)
frame = b"\xff" * 6 + mac + struct.pack("!H", 0x0806) + arp
s.send(frame + b"\x00" * (60 - len(frame)))
s.settimeout(0.05)
deadline = time.time() + wait
while time.time() < deadline:
    try:
        data = s.recv(2048)
    except socket.timeout:
        continue
    if len(data) < 42 or struct.unpack("!H", data[12:14])[0] != 0x0806:
        continue
    op = struct.unpack("!H", data[20:22])[0]
    if op == 2 and socket.inet_ntoa(data[28:32]) == target:
        print(":".join("%02x" % b for b in data[22:28]), ":".join("%02x" % b for b in data[6:12]))
