package io.vrrpd.daemon.config;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * One {@code --depends} SPEC, parsed to check its syntax (DESIGN.md §2). Router specs keep the text
 * verbatim, so what the operator wrote is what the router file shows; the health checks parse it again with
 * this class.
 *
 * <p>Forms: {@code systemd:UNIT}, {@code tcp:ADDR:PORT} (IPv6 in brackets), {@code http://…} and
 * {@code https://…} (the URL is the spec), {@code exec:/ABS/PATH}, {@code pid:/ABS/FILE}, each optionally
 * followed by {@code @weight=-N}, N 1-254: a weighted check lowers the priority by N while it fails instead
 * of taking the router offline.
 *
 * <p>Addresses are IP literals only: a check that has to resolve a name can hang on DNS, and hung checks
 * caused false failovers in keepalived (#1364, #2289).
 *
 * @param kind   what is checked
 * @param target the unit, {@code ADDR:PORT}, URL or path, as written
 * @param weight 0 for a hard dependency, else the priority reduction 1-254 while the check fails
 */
public record Dependency(Kind kind, String target, int weight) {

    /** The kinds of check, by the prefix that introduces them. */
    public enum Kind { SYSTEMD, TCP, HTTP, EXEC, PID }

    static final String ALLOWED = "allowed: systemd:UNIT, tcp:ADDR:PORT, http://URL, https://URL, exec:/PATH,"
            + " pid:/FILE, each optionally followed by @weight=-N with N 1-254";
    private static final String WEIGHT_SUFFIX = "@weight=";
    private static final Pattern WEIGHT = Pattern.compile("-[0-9]{1,3}");
    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9:_.@\\\\-]{1,255}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    /** Parses one SPEC; the message of the exception names {@code --depends} and the allowed forms. */
    public static Dependency parse(final String spec) {
        if (spec == null || spec.isBlank()) {
            throw invalid(spec, "empty");
        }
        // The last "@weight=" is the suffix: a URL may contain '@' (user info) but not this.
        final int at = spec.lastIndexOf(WEIGHT_SUFFIX);
        final String body = at < 0 ? spec : spec.substring(0, at);
        final int weight = at < 0 ? 0 : weight(spec, spec.substring(at + WEIGHT_SUFFIX.length()));
        final int colon = body.indexOf(':');
        if (colon < 0) {
            throw invalid(spec, "no kind");
        }
        final String rest = body.substring(colon + 1);
        final Kind kind = switch (body.substring(0, colon)) {
            case "systemd" -> check(Kind.SYSTEMD, UNIT.matcher(rest).matches(), spec, "not a systemd unit name");
            case "tcp" -> checkTcp(rest, spec);
            case "http", "https" -> checkUrl(body, spec);
            case "exec" -> check(Kind.EXEC, absolute(rest), spec, "the program must be an absolute path");
            case "pid" -> check(Kind.PID, absolute(rest), spec, "the pid file must be an absolute path");
            default -> throw invalid(spec, "unknown kind '" + body.substring(0, colon) + "'");
        };
        return new Dependency(kind, kind == Kind.HTTP ? body : rest, weight);
    }

    /** True when the check lowers the priority rather than taking the router offline. */
    public boolean weighted() {
        return weight != 0;
    }

    private static int weight(final String spec, final String text) {
        final int value = WEIGHT.matcher(text).matches() ? -Integer.parseInt(text) : 0;
        if (value < 1 || value > 254) {
            throw invalid(spec, "weight '" + text + "' is not -1 to -254");
        }
        return value;
    }

    private static Kind checkTcp(final String rest, final String spec) {
        final int colon = rest.lastIndexOf(':');
        final String port = colon < 0 ? "" : rest.substring(colon + 1);
        if (colon < 0 || !PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw invalid(spec, "tcp needs ADDR:PORT with PORT 1-65535");
        }
        final String address = rest.substring(0, colon);
        final boolean bracketed = address.startsWith("[") && address.endsWith("]");
        final String literal = bracketed ? address.substring(1, address.length() - 1) : address;
        final AddressFamily family = familyOf(literal);
        if (family == null) {
            throw invalid(spec, "'" + literal + "' is not an IP address");
        }
        return check(Kind.TCP, bracketed == (family == AddressFamily.IPV6), spec,
                "an IPv6 address goes in brackets, an IPv4 address does not");
    }

    private static AddressFamily familyOf(final String literal) {
        try {
            return IpAddress.parse(literal).family();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Kind checkUrl(final String url, final String spec) {
        try {
            final URI uri = new URI(url);
            return check(Kind.HTTP, uri.getHost() != null && url.startsWith(uri.getScheme() + "://"), spec,
                    "the URL needs a host, e.g. http://127.0.0.1:8080/health");
        } catch (URISyntaxException e) {
            throw invalid(spec, "not a URL: " + e.getReason());
        }
    }

    private static boolean absolute(final String path) {
        return path.startsWith("/") && path.length() > 1 && path.indexOf('\0') < 0;
    }

    private static Kind check(final Kind kind, final boolean ok, final String spec, final String why) {
        if (!ok) {
            throw invalid(spec, why);
        }
        return kind;
    }

    private static IllegalArgumentException invalid(final String spec, final String why) {
        return new IllegalArgumentException("--depends: '" + spec + "' is not a dependency (" + why + "; "
                + ALLOWED + ")");
    }
}
