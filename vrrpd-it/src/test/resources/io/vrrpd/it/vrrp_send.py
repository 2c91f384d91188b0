# Sends raw VRRP payloads (IP protocol 112) to 224.0.0.18 from a lab namespace; the kernel builds the IPv4
# header. Usage: python3 -c "$(cat vrrp_send.py)" SOURCE TTL HEX [HEX ...]  (one packet per HEX payload)
#        python3 -c "$(cat vrrp_send.py)" SOURCE TTL --flood RATE SECONDS HEX  (HEX at about RATE/s for
#        SECONDS s, bounded in count and time; prints the number sent)
import socket
import sys
import time

source, ttl = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(source))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
s.bind((source, 0))
if sys.argv[3] == "--flood":
    rate, seconds, data = int(sys.argv[4]), float(sys.argv[5]), bytes.fromhex(sys.argv[6])
    batch = max(1, rate // 100)  # 100 batches a second
    start = time.monotonic()
    sent = 0
    while sent < rate * seconds and time.monotonic() - start < seconds + 1:
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
else:
    for payload in sys.argv[3:]:
        s.sendto(bytes.fromhex(payload), ("224.0.0.18", 0))
    print(len(sys.argv) - 3)
