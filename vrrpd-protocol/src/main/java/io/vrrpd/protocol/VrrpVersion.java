package io.vrrpd.protocol;

/** The protocol version a virtual router speaks: VRRPv3 (RFC 5798, RFC 9568) or VRRPv2 (RFC 3768). */
public enum VrrpVersion {
    V2(2),
    V3(3);

    private final int number;

    VrrpVersion(final int number) {
        this.number = number;
    }

    /** The value of the 4-bit Version field. */
    public int number() {
        return number;
    }

    public static VrrpVersion of(final int number) {
        return switch (number) {
            case 2 -> V2;
            case 3 -> V3;
            default -> throw new IllegalArgumentException("VRRP version " + number + " is not one of: 2, 3");
        };
    }

    @Override
    public String toString() {
        return "v" + number;
    }
}
