"""A raw-socket sender of VRRPv3 advertisements over IPv4 (soak 3); run by flood.sh in the attacker namespace.

Sends valid advertisements (RFC 5798 section 5: version 3, type 1, checksum over the IPv4 pseudo-header,
TTL 255 to 224.0.0.18) for VRID with PRIORITY and one address, as fast as it can (or at --rate per second)
for --seconds; prints the number sent and the rate reached.
"""
import argparse
import socket
import struct
import time

p = argparse.ArgumentParser()
p.add_argument("--source", required=True)
p.add_argument("--vrid", type=int, required=True)
p.add_argument("--priority", type=int, required=True)
p.add_argument("--address", required=True)
p.add_argument("--interval-ms", type=int, default=1000)
p.add_argument("--seconds", type=float, required=True)
p.add_argument("--rate", type=int, default=0, help="per second; 0: as fast as the sender can")
a = p.parse_args()

GROUP = "224.0.0.18"


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def advertisement():
    body = struct.pack("!BBBBH", 0x31, a.vrid, a.priority, 1, a.interval_ms // 10 & 0x0FFF)
    body += b"\0\0" + socket.inet_aton(a.address)
    pseudo = socket.inet_aton(a.source) + socket.inet_aton(GROUP) + struct.pack("!BBH", 0, 112, len(body))
    c = checksum(pseudo + body)
    return body[:6] + struct.pack("!H", c) + body[8:]


s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(a.source))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
packet = advertisement()
sent = 0
start = time.monotonic()
end = start + a.seconds
gap = 1.0 / a.rate if a.rate else 0.0
next_send = start
while True:
    now = time.monotonic()
    if now >= end:
        break
    for _ in range(64):  # the clock read once per 64 packets: the sender's own cost stays low
        try:
            s.sendto(packet, (GROUP, 0))
            sent += 1
        except BlockingIOError:
            pass
        except OSError as e:
            if e.errno != 105:  # ENOBUFS: the queue is full, send again
                raise
        if gap:
            next_send += gap
            delay = next_send - time.monotonic()
            if delay > 0:
                time.sleep(delay)
elapsed = time.monotonic() - start
print(f"sent {sent} advertisements in {elapsed:.1f} s: {sent / elapsed:.0f}/s")
