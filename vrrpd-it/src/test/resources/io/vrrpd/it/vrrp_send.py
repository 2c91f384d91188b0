# Sends raw VRRP payloads (IP protocol 112) to 224.0.0.18 from a lab namespace; the kernel builds the IPv4
# header. Usage: python3 -c "$(cat vrrp_send.py)" SOURCE TTL HEX [HEX ...]  (one packet per HEX payload)
import socket
import sys

source, ttl = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(source))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
s.bind((source, 0))
for payload in sys.argv[3:]:
    s.sendto(bytes.fromhex(payload), ("224.0.0.18", 0))
print(len(sys.argv) - 3)
