package io.vrrpd.protocol.wire;

/**
 * What the VRRPv3 checksum covers over IPv4.
 *
 * <p>RFC 5798 §5.2.8 computes it over the VRRP message and an IPv4 pseudo-header, and keepalived 2.2 and
 * FRR 8.4 (Debian 12) do so. RFC 9568 §5.2.8, which obsoletes RFC 5798, covers only the VRRP message for
 * IPv4, as Cisco and newer peers do. We accept both on receive and send {@link #PSEUDO_HEADER} unless a
 * router is configured otherwise. IPv6 always uses the pseudo-header (RFC 8200 §8.1), and VRRPv2
 * (RFC 3768 §5.3.8) always covers the message only.
 */
public enum ChecksumForm {
    /** RFC 5798: IPv4 pseudo-header (source, destination, zero, protocol 112, VRRP length) + message. */
    PSEUDO_HEADER("pseudo-header"),
    /** RFC 9568 / VRRPv2: the VRRP message alone. */
    MESSAGE_ONLY("message-only");

    private final String display;

    ChecksumForm(final String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }

    public static ChecksumForm parse(final String text) {
        for (final ChecksumForm form : values()) {
            if (form.display.equalsIgnoreCase(text)) {
                return form;
            }
        }
        throw new IllegalArgumentException("checksum form '" + text + "' is not one of: pseudo-header, message-only");
    }

    @Override
    public String toString() {
        return display;
    }
}
