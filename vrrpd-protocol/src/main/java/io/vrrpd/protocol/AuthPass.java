package io.vrrpd.protocol;

/**
 * VRRPv2 simple text authentication (RFC 2338 §5.3.6 Auth Type 1, §10 "Simple Text Authentication"): a
 * password of up to 8 bytes carried in the clear in the 8-byte Authentication Data, padded with NULs. RFC 3768
 * removed it because it protects from nothing but misconfiguration; keepalived's {@code auth_type PASS} still
 * sends it, and a v2 peer that sends it drops every advertisement without it.
 *
 * <p>The 8 bytes are kept as one big-endian {@code long} so that sending and checking are a few byte
 * operations with no allocation on the receive path. {@link #toString()} never shows the secret: a
 * configuration that reaches a log line or an error says only that a password is set.
 *
 * @param data the Authentication Data as a big-endian long (first password byte in the top byte)
 */
public record AuthPass(long data) {
    /** RFC 2338 §5.3.6: Auth Type 1, Simple Text Password. */
    public static final int AUTH_TYPE_SIMPLE_TEXT = 1;
    /** RFC 2338 §5.3.6: Auth Type 2, IP Authentication Header. */
    public static final int AUTH_TYPE_AH = 2;
    /** RFC 2338 §5.3.10: the Authentication Data is two words. */
    public static final int LENGTH = 8;

    public AuthPass {
        if (data == 0) {
            throw new IllegalArgumentException("auth_pass: empty (allowed: 1-8 printable ASCII characters)");
        }
    }

    /**
     * Parses the operator's password. Refuses (one line, without echoing the secret) anything but 1–8
     * printable ASCII characters: RFC 2338 §10 pads with NULs, so a NUL or a longer password could not
     * round-trip, and a non-ASCII one has no single byte form keepalived would agree on.
     */
    public static AuthPass parse(final String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("auth_pass: empty (allowed: 1-8 printable ASCII characters)");
        }
        if (text.length() > LENGTH) {
            throw new IllegalArgumentException("auth_pass: " + text.length()
                    + " characters is too long (allowed: 1-8 printable ASCII characters, RFC 2338 §5.3.10)");
        }
        long data = 0;
        for (int i = 0; i < LENGTH; i++) {
            int b = 0;
            if (i < text.length()) {
                b = text.charAt(i);
                if (b < 0x20 || b > 0x7e) {
                    throw new IllegalArgumentException("auth_pass: character " + (i + 1)
                            + " is not printable ASCII (allowed: 1-8 printable ASCII characters)");
                }
            }
            data = (data << 8) | b;
        }
        return new AuthPass(data);
    }

    /** Writes the 8 bytes of Authentication Data to {@code buf[at..]}. */
    public void write(final byte[] buf, final int at) {
        for (int i = 0; i < LENGTH; i++) {
            buf[at + i] = (byte) (data >>> (56 - 8 * i));
        }
    }

    /** True when {@code buf[at..at+8)} holds exactly this password and its NUL padding; allocation-free. */
    public boolean matches(final byte[] buf, final int at) {
        for (int i = 0; i < LENGTH; i++) {
            if (buf[at + i] != (byte) (data >>> (56 - 8 * i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The password as text, for the one place that must store it: the router file (like keepalived.conf,
     * protected by the config directory's permissions). Nothing that logs or shows a router calls this.
     */
    public String reveal() {
        final StringBuilder text = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            final char c = (char) ((data >>> (56 - 8 * i)) & 0xFF);
            if (c == 0) {
                break;
            }
            text.append(c);
        }
        return text.toString();
    }

    /** Never the secret: what logs, errors and {@code show-router} may say. */
    @Override
    public String toString() {
        return "PASS";
    }
}
