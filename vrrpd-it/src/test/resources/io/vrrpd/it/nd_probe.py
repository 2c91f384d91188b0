# Multicasts one IPv6 Neighbor Solicitation (RFC 4861 §4.3) for TARGET on eth0, from SOURCE (an address of the
# sender's eth0), to TARGET's solicited-node group, and prints every Neighbor Advertisement for TARGET that
# arrives within WAIT seconds, one line each: "TARGET_LINK_LAYER_MAC ETHERNET_SOURCE_MAC FLAGS DESTINATION" ("none" when the
# advertisement carries no target link-layer address option; FLAGS: R router, S solicited, O override, "-" unset).
# Usage: python3 -c "$(cat nd_probe.py)" TARGET SOURCE WAIT
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def mac_text(raw):
    return ":".join("%02x" % b for b in raw)


target_text, source_text, wait = sys.argv[1], sys.argv[2], float(sys.argv[3])
target = socket.inet_pton(socket.AF_INET6, target_text)
source = socket.inet_pton(socket.AF_INET6, source_text)
group = socket.inet_pton(socket.AF_INET6, "ff02::1:ff00:0")[:13] + target[13:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86DD))
s.bind(("eth0", 0x86DD))
mac = s.getsockname()[4]
# NS: type 135, code 0, checksum, reserved, target; option 1 (source link-layer address), length 1 (8 bytes).
body = struct.pack("!BBHI", 135, 0, 0, 0) + target + struct.pack("!BB", 1, 1) + mac
pseudo = source + group + struct.pack("!I3xB", len(body), 58)
body = body[:2] + struct.pack("!H", checksum(pseudo + body)) + body[4:]
ip = struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + source + group
frame = b"\x33\x33" + group[12:] + mac + struct.pack("!H", 0x86DD) + ip + body
s.send(frame)
s.settimeout(0.05)
deadline = time.time() + wait
while time.time() < deadline:
    try:
        data = s.recv(2048)
    except socket.timeout:
        continue
    if len(data) < 14 + 40 + 24 or struct.unpack("!H", data[12:14])[0] != 0x86DD or data[20] != 58:
        continue
    icmp = data[54:]
    if icmp[0] != 136 or icmp[8:24] != target:
        continue
    link_layer = "none"
    options = icmp[24:]
    while len(options) >= 8 and options[1] > 0:
        if options[0] == 2:
            link_layer = mac_text(options[2:8])
        options = options[options[1] * 8:]
    flags = "".join(f if icmp[4] & bit else "-" for f, bit in (("R", 0x80), ("S", 0x40), ("O", 0x20)))
    print(link_layer, mac_text(data[6:12]), flags, socket.inet_ntop(socket.AF_INET6, data[38:54]))
