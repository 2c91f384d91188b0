package io.vrrpd.daemon.config;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

/**
 * An address and port as vrrpd.toml writes them: {@code ADDR:PORT}, IPv6 in brackets ({@code [2001:db8::1]:7800});
 * where a default port applies, the port may be left out ({@code 192.0.2.1}, {@code 2001:db8::1},
 * {@code [2001:db8::1]}).
 *
 * @param address the IP address
 * @param port    1-65535
 */
public record Endpoint(IpAddress address, int port) {

    public Endpoint {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (allowed: 1-65535)");
        }
    }

    /**
     * Parses {@code text}; {@code defaultPort} 0 makes the port required.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static Endpoint parse(final String text, final int defaultPort) {
        final String form = defaultPort == 0 ? "ADDR:PORT, IPv6 as [ADDR]:PORT" : "ADDR[:PORT], IPv6 as [ADDR]:PORT";
        final String addressText;
        final String portText;
        if (text.startsWith("[")) {
            final int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("'" + text + "' is not " + form);
            }
            addressText = text.substring(1, close);
            portText = close + 1 < text.length() ? text.substring(close + 2) : null;
        } else if (text.indexOf(':') != text.lastIndexOf(':')) {
            addressText = text; // a bare IPv6 address: its colons are not a port separator
            portText = null;
        } else {
            final int colon = text.indexOf(':');
            addressText = colon < 0 ? text : text.substring(0, colon);
            portText = colon < 0 ? null : text.substring(colon + 1);
        }
        final IpAddress address;
        try {
            address = IpAddress.parse(addressText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + form + ": " + e.getMessage());
        }
        if (text.startsWith("[") && address.family() != AddressFamily.IPV6) {
            throw new IllegalArgumentException("'" + text + "' is not " + form + ": brackets are for IPv6 only");
        }
        if (portText == null) {
            if (defaultPort == 0) {
                throw new IllegalArgumentException("'" + text + "' has no port (expected: " + form + ")");
            }
            return new Endpoint(address, defaultPort);
        }
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "': port '" + portText + "' is not a number"
                    + " (allowed: 1-65535)");
        }
        try {
            return new Endpoint(address, Integer.parseInt(portText));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
        }
    }

    /** {@code ADDR:PORT}, IPv6 in brackets. */
    @Override
    public String toString() {
        return (address.family() == AddressFamily.IPV6 ? "[" + address + "]" : address.toString()) + ":" + port;
    }
}
