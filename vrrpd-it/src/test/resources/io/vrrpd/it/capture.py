# Captures VRRP (IP protocol 112, IPv4 and IPv6) on eth0 to a pcap file (nanosecond timestamps from the
# kernel, SO_TIMESTAMPNS) and prints each packet as soon as it arrives: "SECONDS.NANOS FRAME_HEX".
# Prints "ready" once the socket is bound: from then on nothing is missed, and every packet printed is
# already in the file (flushed), so ending this process loses nothing.
# Usage: python3 -c "$(cat capture.py)" PCAP_FILE
import socket
import struct
import sys

ETH_P_ALL = 3
SO_TIMESTAMPNS = 35
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(("eth0", ETH_P_ALL))
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1))  # pcap, ns resolution, Ethernet
out.flush()
print("ready", flush=True)
while True:
    frame, ancillary, _, _ = s.recvmsg(65535, 64)
    if len(frame) < 14:
        continue
    ethertype = struct.unpack("!H", frame[12:14])[0]
    if not ((ethertype == 0x0800 and len(frame) >= 34 and frame[23] == 112)
            or (ethertype == 0x86DD and len(frame) >= 54 and frame[20] == 112)):
        continue
    sec, nsec = 0, 0
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack("qq", data[:16])
    out.write(struct.pack("<IIII", sec, nsec, len(frame), len(frame)) + frame)
    out.flush()
    print("%d.%09d %s" % (sec, nsec, frame.hex()), flush=True)
