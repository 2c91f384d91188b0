package io.vrrpd.daemon.config;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code --depends} SPEC, parsed to check its syntax (DESIGN.md §2). Router specs keep the text
 * verbatim, so what the operator wrote is what the router file shows; the health checks parse it again with
 * this class.
 *
 * <p>Forms: {@code systemd:UNIT}, {@code tcp:ADDR:PORT} (IPv6 in brackets), {@code http://…} and
 * {@code https://…} (the URL is the spec), {@code exec:/ABS/PATH}, {@code pid:/ABS/FILE} or {@code pid:NAME} (a process name), each optionally
 * followed by {@code @OPTION=VALUE[,OPTION=VALUE…]}:
 * <ul>
 *   <li>{@code weight=-N}, N 1-254: a weighted check lowers the priority by N while it fails instead of
 *       taking the router offline;</li>
 *   <li>{@code interval=MS} (10-3600000, default 1000): time between the starts of two checks;</li>
 *   <li>{@code timeout=MS} (1-interval, default interval/2): a check still running then is stopped and
 *       counted as failed;</li>
 *   <li>{@code fall=N}, {@code rise=N} (1-100, default 2): consecutive failures that make a healthy check
 *       failing, consecutive successes that make a failing (or not yet checked) one healthy.</li>
 * </ul>
 * The options start at the last {@code @} followed by a known option name, so a URL's user info or a
 * template unit ({@code getty@tty1.service}) is not mistaken for them.
 *
 * <p>Addresses are IP literals only: a check that has to resolve a name can hang on DNS, and hung checks
 * caused false failovers in keepalived (#1364, #2289).
 *
 * @param kind           what is checked
 * @param target         the unit, {@code ADDR:PORT}, URL or path, as written
 * @param weight         0 for a hard dependency, else the priority reduction 1-254 while the check fails
 * @param intervalMillis time between the starts of two checks
 * @param timeoutMillis  longest a check may run, at most {@code intervalMillis}
 * @param fall           consecutive failures that make the check failing
 * @param rise           consecutive successes that make the check healthy
 */
public record Dependency(Kind kind, String target, int weight, int intervalMillis, int timeoutMillis, int fall,
                         int rise) {

    /** The kinds of check, by the prefix that introduces them. */
    public enum Kind { SYSTEMD, TCP, HTTP, EXEC, PID, LINK }

    public static final int DEFAULT_INTERVAL_MS = 1000;
    public static final int DEFAULT_FALL = 2;
    public static final int DEFAULT_RISE = 2;
    static final int MIN_INTERVAL_MS = 10;
    static final int MAX_INTERVAL_MS = 3_600_000;
    static final int MAX_COUNT = 100;

    static final String ALLOWED = "allowed: systemd:UNIT, tcp:ADDR:PORT, http://URL, https://URL, exec:/PATH,"
            + " pid:/FILE, pid:NAME, link:IFNAME, each optionally followed by @OPTION=VALUE[,OPTION=VALUE...] with the options"
            + " weight=-N (N 1-254), interval=MS (10-3600000), timeout=MS (1-interval), fall=N and rise=N (1-100)";
    private static final Pattern OPTIONS = Pattern.compile("(weight|interval|timeout|fall|rise)=[^@]*");
    /** Something after an '@' that looks like an option but is none (a typo): refused unless in a URL. */
    private static final Pattern OPTION_LIKE = Pattern.compile("[a-z_]+=[^@/]*");
    private static final Pattern WEIGHT = Pattern.compile("-[0-9]{1,3}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,7}");
    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9:_.@\\\\-]{1,255}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    public Dependency {
        if (kind == null || target == null) {
            throw new IllegalArgumentException("a dependency needs a kind and a target");
        }
        if (weight < 0 || weight > 254 || intervalMillis < MIN_INTERVAL_MS || intervalMillis > MAX_INTERVAL_MS
                || timeoutMillis < 1 || timeoutMillis > intervalMillis || fall < 1 || fall > MAX_COUNT
                || rise < 1 || rise > MAX_COUNT) {
            throw new IllegalArgumentException("dependency " + kind + " " + target + ": weight " + weight
                    + ", interval " + intervalMillis + " ms, timeout " + timeoutMillis + " ms, fall " + fall
                    + ", rise " + rise + " are out of range");
        }
    }

    /** A dependency with the default interval, timeout, fall and rise. */
    public Dependency(final Kind kind, final String target, final int weight) {
        this(kind, target, weight, DEFAULT_INTERVAL_MS, DEFAULT_INTERVAL_MS / 2, DEFAULT_FALL, DEFAULT_RISE);
    }

    /** Parses one SPEC; the message of the exception names {@code --depends} and the allowed forms. */
    public static Dependency parse(final String spec) {
        if (spec == null || spec.isBlank()) {
            throw invalid(spec, "empty");
        }
        final int at = optionsStart(spec);
        final String body = at < 0 ? spec : spec.substring(0, at);
        final int colon = body.indexOf(':');
        if (colon < 0) {
            throw invalid(spec, "no kind");
        }
        final String rest = body.substring(colon + 1);
        final String prefix = body.substring(0, colon);
        final int other = body.lastIndexOf('@');
        if (!prefix.startsWith("http") && other >= 0 && OPTION_LIKE.matcher(body.substring(other + 1)).matches()) {
            // Outside a URL an '@' followed by "name=" can only be a mistyped option.
            final String text = body.substring(other + 1);
            throw invalid(spec, "unknown option '" + text.substring(0, text.indexOf('=')) + "' (options: weight,"
                    + " interval, timeout, fall, rise)");
        }
        final Kind kind = switch (prefix) {
            case "systemd" -> check(Kind.SYSTEMD, UNIT.matcher(rest).matches(), spec, "not a systemd unit name");
            case "tcp" -> checkTcp(rest, spec);
            case "http", "https" -> checkUrl(body, spec);
            case "exec" -> check(Kind.EXEC, absolute(rest), spec, "the program must be an absolute path");
            case "link" -> check(Kind.LINK, LINK_NAME.matcher(rest).matches() && !rest.equals(".") && !rest.equals(".."),
                    spec, "not a Linux interface name (1-15 characters, no '/', ':' or white space)");
            case "pid" -> check(Kind.PID, absolute(rest) || PROCESS_NAME.matcher(rest).matches(), spec,
                    "give the absolute path of a pid file or a process name (1-15 characters, no '/')");
            default -> throw invalid(spec, "unknown kind '" + prefix + "'");
        };
        final String target = kind == Kind.HTTP ? body : rest;
        return at < 0 ? new Dependency(kind, target, 0) : withOptions(kind, target, spec, spec.substring(at + 1));
    }

    /** The dependency as an operator names it: the SPEC without its options, e.g. {@code tcp:127.0.0.1:80}. */
    public String label() {
        return kind == Kind.HTTP ? target : kind.name().toLowerCase(Locale.ROOT) + ":" + target;
    }

    /** True when the check lowers the priority rather than taking the router offline. */
    public boolean weighted() {
        return weight != 0;
    }

    /** Where the options start: the last '@' followed by a known option, or -1. */
    private static int optionsStart(final String spec) {
        final int at = spec.lastIndexOf('@');
        return at >= 0 && OPTIONS.matcher(spec.substring(at + 1)).lookingAt() ? at : -1;
    }

    private static Dependency withOptions(final Kind kind, final String target, final String spec,
                                          final String options) {
        int weight = 0;
        Integer interval = null;
        Integer timeout = null;
        int fall = DEFAULT_FALL;
        int rise = DEFAULT_RISE;
        final Set<String> seen = new HashSet<>();
        for (final String option : options.split(",", -1)) {
            final int eq = option.indexOf('=');
            final String name = eq < 0 ? option : option.substring(0, eq);
            final String value = eq < 0 ? "" : option.substring(eq + 1);
            if (!seen.add(name)) {
                throw invalid(spec, "option '" + name + "' is given twice");
            }
            switch (eq < 0 ? "" : name) {
                case "weight" -> weight = weight(spec, value);
                case "interval" -> interval = number(spec, name, value, MIN_INTERVAL_MS, MAX_INTERVAL_MS, " ms");
                case "timeout" -> timeout = number(spec, name, value, 1, MAX_INTERVAL_MS, " ms");
                case "fall" -> fall = number(spec, name, value, 1, MAX_COUNT, "");
                case "rise" -> rise = number(spec, name, value, 1, MAX_COUNT, "");
                default -> throw invalid(spec, "unknown option '" + name + "' (options: weight, interval, timeout,"
                        + " fall, rise)");
            }
        }
        final int intervalMillis = interval == null ? DEFAULT_INTERVAL_MS : interval;
        if (timeout != null && timeout > intervalMillis) {
            throw invalid(spec, "timeout " + timeout + " ms is longer than the interval " + intervalMillis + " ms");
        }
        final int timeoutMillis = timeout != null ? timeout : Math.max(1, intervalMillis / 2);
        return new Dependency(kind, target, weight, intervalMillis, timeoutMillis, fall, rise);
    }

    private static int weight(final String spec, final String text) {
        final int value = WEIGHT.matcher(text).matches() ? -Integer.parseInt(text) : 0;
        if (value < 1 || value > 254) {
            throw invalid(spec, "weight '" + text + "' is not -1 to -254");
        }
        return value;
    }

    private static int number(final String spec, final String name, final String text, final int min, final int max,
                              final String unit) {
        final int value = NUMBER.matcher(text).matches() ? Integer.parseInt(text) : -1;
        if (value < min || value > max) {
            throw invalid(spec, name + " '" + text + "' is not " + min + "-" + max + unit);
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

    /** Linux dev_valid_name(), as for a router's link. */
    private static final Pattern LINK_NAME = Pattern.compile("[^/:\\s]{1,15}");

    /** A process name as the kernel keeps it (/proc/PID/comm: at most 15 bytes). */
    private static final Pattern PROCESS_NAME = Pattern.compile("[A-Za-z0-9_.:+-][^/\\s]{0,14}");

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
