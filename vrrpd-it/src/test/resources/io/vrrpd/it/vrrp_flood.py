# Floods one raw VRRP payload (IP protocol 112) to 224.0.0.18 from a lab namespace at about RATE packets a
# second for SECONDS seconds (bounded in count and time). Usage:
#   python3 -c "$(cat vrrp_flood.py)" SOURCE TTL RATE SECONDS HEX
# Prints the number of packets sent.
import socket
import sys
import time

source, ttl, rate, seconds, payload = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(source))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
s.bind((source, 0))
data = bytes.fromhex(payload)
batch = max(1, rate // 100)  # 100 batches a second
start = time.monotonic()
sent = 0
limit = int(rate * seconds)
while sent < limit and time.monotonic() - start < seconds + 1:
    for _ in range(batch):
        try:
            s.sendto(data, ("224.0.0.18", 0))
            sent += 1
        except OSError:
            pass
    ahead = start + sent / rate - time.monotonic()
    if ahead > 0:
        time.sleep(ahead)
print(sent)
