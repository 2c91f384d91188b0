package io.vrrpd.cli.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The per-link kernel settings VRRP depends on, read from {@link Host}: the link itself, reverse-path filtering,
 * ARP replies, IPv6 (enabled, a usable link-local address), and multicast snooping on a Linux bridge.
 */
final class LinkChecks {
    private static final int IFA_F_DADFAILED = 0x08;
    private static final int IFA_F_TENTATIVE = 0x40;
    private static final int SCOPE_LINK = 0x20;
    private static final int IFF_UP = 0x1;

    private final Host host;

    LinkChecks(final Host host) {
        this.host = host;
    }

    /** Every check of {@code link}; only the first when the link does not exist. */
    List<Finding> check(final String link) {
        final List<Finding> findings = new ArrayList<>();
        final Finding exists = link(link);
        findings.add(exists);
        if (exists.level() == Finding.Level.FAIL) {
            return findings;
        }
        findings.add(rpFilter(link));
        findings.add(arp(link));
        findings.add(ipv6(link));
        findings.add(snooping(link));
        return findings;
    }

    Finding link(final String link) {
        final String check = "link " + link;
        if (!host.exists("/sys/class/net/" + link)) {
            return Finding.fail(check, "no such link in this network namespace (ip link show; in a namespace run"
                    + " doctor with ip netns exec NS)");
        }
        final String state = host.read("/sys/class/net/" + link + "/operstate").orElse("unknown");
        final int flags = host.read("/sys/class/net/" + link + "/flags").map(f -> Integer.decode(f)).orElse(0);
        if (state.equals("unknown") && (flags & IFF_UP) != 0) {
            return Finding.ok(check, "up (its driver reports no operational state)");
        }
        if (!state.equals("up")) {
            return Finding.warn(check, "operational state " + state + ": routers on it stay offline until it is up"
                    + " (ip link set " + link + " up; a cable or the peer for a veth)");
        }
        return Finding.ok(check, "up");
    }

    Finding rpFilter(final String link) {
        final String check = "rp_filter " + link;
        final int all = host.readInt("/proc/sys/net/ipv4/conf/all/rp_filter").orElse(0);
        final int own = host.readInt("/proc/sys/net/ipv4/conf/" + link + "/rp_filter").orElse(0);
        final int effective = Math.max(all, own);
        final String values = "net.ipv4.conf.all.rp_filter=" + all + ", net.ipv4.conf." + link + ".rp_filter=" + own;
        if (effective == 1) {
            return Finding.warn(check, "strict reverse-path filtering (" + values + "): a packet is dropped when the"
                    + " route back to its source leaves by another link, e.g. traffic to a virtual address arriving on"
                    + " a router's VNIC, or a unicast peer reached by another route (keepalived's use_vmac switches to"
                    + " loose mode for the same reason): sysctl -w net.ipv4.conf.all.rp_filter=2"
                    + " net.ipv4.conf." + link + ".rp_filter=2");
        }
        return Finding.ok(check, (effective == 0 ? "off" : "loose") + " (" + values + ")");
    }

    Finding arp(final String link) {
        final String check = "arp " + link;
        final int all = host.readInt("/proc/sys/net/ipv4/conf/all/arp_ignore").orElse(0);
        if (all >= 2) {
            return Finding.warn(check, "net.ipv4.conf.all.arp_ignore=" + all + " overrides the arp_ignore=1 vrrpd"
                    + " sets on " + link + " for its VNICs (the kernel uses the larger): "
                    + (all == 8 ? "the host answers no ARP request at all" : "ARP requests from another subnet go"
                    + " unanswered") + ": sysctl -w net.ipv4.conf.all.arp_ignore=0");
        }
        return Finding.ok(check, "net.ipv4.conf.all.arp_ignore=" + all + " (vrrpd sets arp_ignore=1 and"
                + " arp_announce=2 on " + link + " when a router gets a VNIC there)");
    }

    Finding ipv6(final String link) {
        final String check = "ipv6 " + link;
        final Optional<Integer> disabled = host.readInt("/proc/sys/net/ipv6/conf/" + link + "/disable_ipv6");
        if (disabled.isEmpty()) {
            return Finding.warn(check, "IPv6 is not available (no /proc/sys/net/ipv6/conf/" + link + "): inet6 routers"
                    + " cannot run here (kernel booted with ipv6.disable=1?)");
        }
        if (disabled.get() != 0) {
            return Finding.warn(check, "IPv6 is disabled on " + link + " (net.ipv6.conf." + link + ".disable_ipv6=1):"
                    + " inet6 routers cannot run on it: sysctl -w net.ipv6.conf." + link + ".disable_ipv6=0");
        }
        // /proc/net/if_inet6: ADDRESS IFINDEX PLEN SCOPE FLAGS NAME, hexadecimal.
        for (final String line : host.lines("/proc/net/if_inet6")) {
            final String[] f = line.trim().split("\\s+");
            if (f.length == 6 && f[5].equals(link) && Integer.parseInt(f[3], 16) == SCOPE_LINK) {
                final int flags = Integer.parseInt(f[4], 16);
                final String address = readable(f[0]);
                if ((flags & IFA_F_DADFAILED) != 0) {
                    return Finding.fail(check, "the link-local address " + address + " failed duplicate address"
                            + " detection: another host on the link has it (a cloned machine's MAC?); IPv6"
                            + " advertisements need a working one");
                }
                if ((flags & IFA_F_TENTATIVE) != 0) {
                    return Finding.warn(check, "the link-local address " + address + " is still tentative (duplicate"
                            + " address detection running, or the link is down)");
                }
                if (address.startsWith("fe80::200:5eff:fe00:")) {
                    continue; // a VNIC-style virtual link-local address, not the link's own
                }
                return Finding.ok(check, "link-local " + address);
            }
        }
        final String mode = host.read("/proc/sys/net/ipv6/conf/" + link + "/addr_gen_mode").orElse("?");
        return Finding.warn(check, "no IPv6 link-local address on " + link + " (addr_gen_mode " + mode + "): inet6"
                + " routers advertise from it (RFC 5798 §5.1.2.1): ip link set " + link + " addrgenmode eui64, then"
                + " down and up");
    }

    Finding snooping(final String link) {
        final String check = "snooping " + link;
        final String bridge = host.exists("/sys/class/net/" + link + "/bridge") ? link
                : host.linkTarget("/sys/class/net/" + link + "/master")
                        .filter(master -> host.exists("/sys/class/net/" + master + "/bridge")).orElse(null);
        if (bridge == null) {
            return Finding.ok(check, link + " is not on a Linux bridge of this host (a switch's IGMP/MLD snooping is"
                    + " not visible from here)");
        }
        final int snooping = host.readInt("/sys/class/net/" + bridge + "/bridge/multicast_snooping").orElse(0);
        final int querier = host.readInt("/sys/class/net/" + bridge + "/bridge/multicast_querier").orElse(0);
        if (snooping == 1 && querier == 0) {
            return Finding.warn(check, "bridge " + bridge + " snoops multicast without a querier: IPv4's 224.0.0.18 is"
                    + " always flooded, but IPv6's ff02::12 reaches only ports that sent an MLD report, and"
                    + " without a querier memberships age out (260 s): echo 1 >/sys/class/net/" + bridge
                    + "/bridge/multicast_querier, or echo 0 >/sys/class/net/" + bridge + "/bridge/multicast_snooping");
        }
        return Finding.ok(check, "bridge " + bridge + ": multicast_snooping=" + snooping + ", multicast_querier="
                + querier);
    }

    /** 32 hexadecimal digits as a compressed IPv6 address. */
    private static String readable(final String hex) {
        final byte[] bytes = new byte[16];
        for (int i = 0; i < 16; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        try {
            final String full = java.net.InetAddress.getByAddress(bytes).getHostAddress();
            return io.vrrpd.protocol.IpAddress.parse(full.replaceAll("%.*", "")).toString();
        } catch (java.net.UnknownHostException | IllegalArgumentException e) {
            return hex;
        }
    }
}
