package io.vrrpd.linux;

/**
 * linux/if_link.h {@code enum in6_addr_gen_mode}: how the kernel makes a link's IPv6 link-local address when
 * it comes up ({@code ip link set DEV addrgenmode ...}).
 */
public enum AddrGenMode {
    /** From the MAC (EUI-64): on a VRRP macvlan that is the virtual MAC, the same on every host. */
    EUI64(0),
    /** None: only the addresses someone adds. */
    NONE(1),
    STABLE_PRIVACY(2),
    RANDOM(3);

    private final int value;

    AddrGenMode(final int value) {
        this.value = value;
    }

    /** The IFLA_INET6_ADDR_GEN_MODE value. */
    public int value() {
        return value;
    }
}
