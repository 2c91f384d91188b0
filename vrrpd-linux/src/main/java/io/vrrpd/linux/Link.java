package io.vrrpd.linux;

/**
 * A network link as rtnetlink reports it (RTM_NEWLINK).
 *
 * @param index       interface index
 * @param name        interface name (IFLA_IFNAME)
 * @param flags       net_device flags (linux/if.h IFF_*)
 * @param mac         link-layer address (IFLA_ADDRESS), {@link MacAddress#ZERO} when none or not Ethernet
 * @param kind        driver kind (IFLA_INFO_KIND: "macvlan", "veth", "bridge", ...), "" for physical links
 * @param parentIndex the lower link (IFLA_LINK, e.g. a macvlan's parent), 0 when none
 * @param mtu         IFLA_MTU
 * @param operState   RFC 2863 operational state (IFLA_OPERSTATE, linux/if.h IF_OPER_*)
 */
public record Link(int index, String name, int flags, MacAddress mac, String kind, int parentIndex, int mtu,
                   int operState) {
    /** linux/if.h: administratively up. */
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_MULTICAST = 0x1000;
    /** linux/if.h: the driver signals carrier (L1 up). */
    public static final int IFF_LOWER_UP = 0x10000;
    /** linux/if.h IF_OPER_UP. */
    public static final int OPER_UP = 6;

    /** Administratively up (IFF_UP). */
    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }

    /** Carrier present (IFF_LOWER_UP): what a VRRP router tracks to go to Initialize and back. */
    public boolean hasCarrier() {
        return (flags & IFF_LOWER_UP) != 0;
    }

    public boolean isLoopback() {
        return (flags & IFF_LOOPBACK) != 0;
    }
}
