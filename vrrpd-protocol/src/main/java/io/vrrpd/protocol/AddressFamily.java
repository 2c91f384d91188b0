package io.vrrpd.protocol;

/**
 * The two address families VRRP protects. One code path serves both: everything that differs between
 * IPv4 and IPv6 (address size, multicast group, pseudo-header, virtual MAC) is a property here, not a branch
 * elsewhere.
 */
public enum AddressFamily {
    /** RFC 5798 §5.1.1.2: VRRP multicast group 224.0.0.18; virtual MAC 00-00-5E-00-01-{VRID} (§7.3). */
    IPV4("IPv4", "inet", 4, 0x01),
    /** RFC 5798 §5.1.2.2: VRRP multicast group ff02::12; virtual MAC 00-00-5E-00-02-{VRID} (§7.3). */
    IPV6("IPv6", "inet6", 16, 0x02);

    private final String display;
    private final String keyword;
    private final int addressLength;
    private final int virtualMacFamilyOctet;

    AddressFamily(final String display, final String keyword, final int addressLength, final int macOctet) {
        this.display = display;
        this.keyword = keyword;
        this.addressLength = addressLength;
        this.virtualMacFamilyOctet = macOctet;
    }

    /** Bytes in one address: 4 or 16. */
    public int addressLength() {
        return addressLength;
    }

    /** How operators see it in show-router's AF column: {@code IPv4} or {@code IPv6}. */
    public String display() {
        return display;
    }

    /** The Solaris vrrpadm keyword for {@code -A}: {@code inet} or {@code inet6}. */
    public String keyword() {
        return keyword;
    }

    /** The VRRP multicast group advertisements are sent to (RFC 5798 §5.1.1.2, §5.1.2.2). */
    public IpAddress vrrpGroup() {
        return this == IPV4 ? IpAddress.VRRP_GROUP_V4 : IpAddress.VRRP_GROUP_V6;
    }

    /**
     * The virtual router MAC address of RFC 5798 §7.3: 00-00-5E-00-01-{VRID} for IPv4 and
     * 00-00-5E-00-02-{VRID} for IPv6.
     */
    public byte[] virtualMac(final int vrid) {
        return new byte[] {0x00, 0x00, 0x5e, 0x00, (byte) virtualMacFamilyOctet, (byte) vrid};
    }

    /**
     * Parses exactly {@code inet} or {@code inet6}, the keywords of {@code vrrpadm -A} and of the router files'
     * {@code address_family} (docs/CONFIG.md). Nothing else is guessed at, not even {@code IPv4} or {@code INET}:
     * those were accepted without a word once, which let a file say one thing and docs/CONFIG.md another.
     */
    public static AddressFamily parse(final String text) {
        return switch (text) {
            case "inet" -> IPV4;
            case "inet6" -> IPV6;
            default -> throw new IllegalArgumentException(
                    "address family '" + text + "' is not one of: inet, inet6");
        };
    }

    @Override
    public String toString() {
        return display;
    }
}
