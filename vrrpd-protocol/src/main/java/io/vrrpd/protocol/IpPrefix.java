package io.vrrpd.protocol;

/**
 * A virtual address with its prefix length, as an operator writes it ({@code 192.0.2.100/24}). The wire
 * carries only the address; the prefix length is for the data plane that plumbs it.
 */
public record IpPrefix(IpAddress address, int prefixLength) {

    public IpPrefix {
        if (address == null) {
            throw new IllegalArgumentException("address is required");
        }
        final int max = address.family().addressLength() * 8;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException(
                    "prefix length " + prefixLength + " of " + address + " is not in 0-" + max);
        }
    }

    /** Parses {@code ADDR/PLEN}; without {@code /PLEN} the host prefix (/32 or /128) is meant. */
    public static IpPrefix parse(final String text) {
        final int slash = text.indexOf('/');
        final IpAddress address = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
        if (slash < 0) {
            return new IpPrefix(address, address.family().addressLength() * 8);
        }
        final String plen = text.substring(slash + 1);
        if (plen.isEmpty() || plen.length() > 3 || !plen.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length after '/'");
        }
        return new IpPrefix(address, Integer.parseInt(plen));
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
