#!/usr/bin/env python3
"""Turn one captured VRRP advertisement into a golden key=value file.

Used by capture.sh.  Every field value comes from tshark's own decode
(`tshark -T json -x`); the raw VRRP bytes are tshark's `vrrp_raw`, checked
against the frame bytes with the IP header stripped by hand.  The checksum
is also recomputed here both ways (with and without the pseudo-header) and
must agree with what tshark says.
"""

import argparse
import json
import subprocess
import sys

STATUS = {"0": "bad", "1": "good", "2": "unverified", "3": "not-present", "4": "illegal"}
VRRP_PROTO = 112


def tshark_json(pcap, extra=()):
    cmd = ["tshark", "-n", "-r", pcap, *extra, "-Y", "vrrp", "-T", "json", "-x",
           "--no-duplicate-keys"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [p["_source"]["layers"] for p in json.loads(out or "[]")]


def one(value):
    """A field tshark printed once; --no-duplicate-keys makes repeats lists."""
    if isinstance(value, list):
        raise SystemExit(f"expected a single value, got {value!r}")
    return value


def many(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def ones_complement_sum(data):
    if len(data) % 2:
        data += b"\0"
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def checksum(data):
    return (~ones_complement_sum(data)) & 0xFFFF


def pseudo_header(family, src, dst, length):
    import ipaddress
    s = ipaddress.ip_address(src).packed
    d = ipaddress.ip_address(dst).packed
    if family == "ipv4":
        return s + d + bytes([0, VRRP_PROTO]) + length.to_bytes(2, "big")
    return s + d + length.to_bytes(4, "big") + bytes([0, 0, 0, VRRP_PROTO])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--peer", required=True, choices=["keepalived", "frr"])
    ap.add_argument("--source", required=True, help="text of the '# source:' comment")
    ap.add_argument("--config", required=True, help="config file, for a comment")
    ap.add_argument("--select", default="last", choices=["last", "prio0"])
    args = ap.parse_args()

    packets = tshark_json(args.pcap)
    if not packets:
        raise SystemExit(f"{args.pcap}: no VRRP packet")
    prio = lambda L: int(one(L["vrrp"]["vrrp.prio"]))
    if args.select == "prio0":
        chosen = [i for i, L in enumerate(packets) if prio(L) == 0]
    else:
        chosen = [i for i, L in enumerate(packets) if prio(L) != 0]
    if not chosen:
        raise SystemExit(f"{args.pcap}: no VRRP packet matching --select {args.select}")
    idx = chosen[-1]
    L = packets[idx]
    v = L["vrrp"]
    frame_no = one(L["frame"]["frame.number"])

    # --- addresses / TTL from the IP layer -------------------------------------
    frame = bytes.fromhex(L["frame_raw"][0])
    if one(L["eth"]["eth.type"]) not in ("0x0800", "0x86dd"):
        raise SystemExit("unexpected ethertype (VLAN tag?)")
    if "ip" in L:
        family = "ipv4"
        ip = L["ip"]
        src, dst, ttl = one(ip["ip.src"]), one(ip["ip.dst"]), one(ip["ip.ttl"])
        if int(one(ip["ip.proto"])) != VRRP_PROTO:
            raise SystemExit("ip.proto is not 112")
        ihl = (frame[14] & 0x0F) * 4
        if ihl != int(one(ip["ip.hdr_len"])):
            raise SystemExit("IHL disagrees with tshark ip.hdr_len")
        total = int(one(ip["ip.len"]))
        payload = frame[14 + ihl:14 + total]
    elif "ipv6" in L:
        family = "ipv6"
        ip = L["ipv6"]
        src, dst, ttl = one(ip["ipv6.src"]), one(ip["ipv6.dst"]), one(ip["ipv6.hlim"])
        if int(one(ip["ipv6.nxt"])) != VRRP_PROTO:
            raise SystemExit("ipv6.nxt is not 112 (extension header?)")
        plen = int(one(ip["ipv6.plen"]))
        payload = frame[14 + 40:14 + 40 + plen]
    else:
        raise SystemExit("neither IPv4 nor IPv6")

    vrrp_hex = L["vrrp_raw"][0].lower()
    if payload.hex() != vrrp_hex:
        raise SystemExit(f"IP payload {payload.hex()} != tshark vrrp_raw {vrrp_hex}")
    msg = bytes.fromhex(vrrp_hex)

    # --- VRRP fields as tshark decoded them --------------------------------------
    tv = v["vrrp.typever_tree"]
    version = int(one(tv["vrrp.version"]))
    vtype = int(one(tv["vrrp.type"]))
    vrid = int(one(v["vrrp.virt_rtr_id"]))
    priority = int(one(v["vrrp.prio"]))
    count = int(one(v["vrrp.addr_count"]))
    if version == 3:
        interval = int(one(v["vrrp.short_adver_int"]))
    else:
        interval = int(one(v["vrrp.adver_int"]))
    cks = int(one(v["vrrp.checksum"]), 16)
    status = STATUS.get(one(v.get("vrrp.checksum.status", "2")), "unknown")
    addrs = many(v.get("vrrp.ip_addr")) if family == "ipv4" else many(v.get("vrrp.ipv6_addr"))
    if len(addrs) != count:
        raise SystemExit(f"count {count} but {len(addrs)} addresses decoded")

    alen = 4 if family == "ipv4" else 16
    expected_len = 8 + alen * count + (8 if version == 2 else 0)
    if len(msg) != expected_len:
        raise SystemExit(f"VRRP message is {len(msg)} bytes, expected {expected_len}")

    # --- checksum form -----------------------------------------------------------
    zeroed = msg[:6] + b"\0\0" + msg[8:]
    c_msg = checksum(zeroed)
    c_pseudo = checksum(pseudo_header(family, src, dst, len(msg)) + zeroed)
    alt_status = None
    if version == 2:
        form = "message-only"
        ok = c_msg == cks
    elif family == "ipv6":
        form = "pseudo-header"
        ok = c_pseudo == cks
    else:
        # tshark checks v3/IPv4 with the pseudo-header by default; ask it again
        # with its "as in v2" preference to see whether message-only fits.
        alt = tshark_json(args.pcap, ["-o", "vrrp.v3_checksum_as_in_v2:TRUE"])
        altL = [p for p in alt if one(p["frame"]["frame.number"]) == frame_no][0]
        alt_status = STATUS.get(one(altL["vrrp"].get("vrrp.checksum.status", "2")), "unknown")
        if status == "good":
            form = "pseudo-header"
            ok = c_pseudo == cks
        elif alt_status == "good":
            form = "message-only"
            ok = c_msg == cks
        else:
            raise SystemExit("tshark accepts the checksum in neither form")
    if not ok:
        raise SystemExit(f"own checksum recomputation disagrees with form {form}")

    lines = [
        f"# source: {args.source}, captured by tools/golden/capture.sh",
        f"# config: tools/golden/{args.config}; frame {frame_no} of {len(packets)} VRRP frames captured",
        f"# ethernet source: {one(L['eth']['eth.src'])}",
    ]
    if alt_status is not None:
        lines.append(f"# tshark with vrrp.v3_checksum_as_in_v2:TRUE says: {alt_status}")
    if version == 3:
        lines.append("# interval: max advertisement interval in centiseconds")
    else:
        lines.append("# interval: advertisement interval in seconds")
    lines += [
        f"peer={args.peer}",
        f"family={family}",
        f"src={src}",
        f"dst={dst}",
        f"ttl={ttl}",
        f"vrrp={vrrp_hex}",
        f"version={version}",
        f"type={vtype}",
        f"vrid={vrid}",
        f"priority={priority}",
        f"count={count}",
        f"interval={interval}",
        f"checksum=0x{cks:04x}",
        f"checksum_form={form}",
        f"addresses={','.join(addrs)}",
    ]
    if version == 2:
        lines.append(f"auth_type={int(one(v['vrrp.auth_type']))}")
    lines.append(f"tshark_checksum_status={status}")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {args.out}: v{version} {family} vrid={vrid} prio={priority} "
          f"count={count} interval={interval} checksum={form}/{status}", file=sys.stderr)


if __name__ == "__main__":
    main()
