package io.vrrpd.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.AuthPass;
import io.vrrpd.protocol.wire.ChecksumForm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns create-router/modify-router options into the request's arguments, checking their syntax on the
 * way: numbers are numbers, families, flags and addresses parse. Ranges and the rules between fields are
 * the daemon's to check (it validates every request, from any client, the same way); the allowed values in
 * these messages only help the operator fix the typo. Argument keys are the router file's keys
 * (docs/CONFIG.md).
 */
final class RouterArgs {

    static final String VRID_RANGE = "1-255";
    static final String PRIORITY_RANGE = "1-255, 255 only for the address owner";
    static final String INTERVAL_RANGE = "10-40950 ms in steps of 10 ms for v3, whole seconds 1000-255000 ms for v2";
    static final String FLAGS = "preempt, un_preempt, accept, no_accept";

    /** A comma that starts a new {@code --depends} SPEC; other commas belong to a URL. */
    private static final Pattern SPEC_START = Pattern.compile(",(?=(systemd|tcp|http|https|exec|pid|link):)");

    private final ObjectNode args;

    RouterArgs(final ObjectNode args) {
        this.args = args;
    }

    RouterArgs integer(final String key, final String option, final String value, final String allowed) {
        if (value != null) {
            try {
                args.put(key, Integer.parseInt(value.strip()));
            } catch (NumberFormatException e) {
                throw CliException.usage(option + ": '" + value + "' is not a number (allowed: " + allowed + ")");
            }
        }
        return this;
    }

    RouterArgs family(final String value) {
        if (value != null) {
            args.put("address_family", parse("--address_family", value, AddressFamily::parse, "").keyword());
        }
        return this;
    }

    RouterArgs version(final String value) {
        if (value != null) {
            if (!value.equals("3") && !value.equals("2")) {
                throw CliException.usage("--vrrp-version: '" + value + "' is not one of: 3, 2");
            }
            args.put("version", Integer.parseInt(value));
        }
        return this;
    }

    /** {@code -o preempt|un_preempt,accept|no_accept}: each of the two modes at most once. */
    RouterArgs flags(final String value) {
        if (value == null) {
            return this;
        }
        for (final String flag : value.split(",", -1)) {
            final String key = switch (flag.strip().toLowerCase(Locale.ROOT)) {
                case "preempt", "un_preempt" -> "preempt";
                case "accept", "no_accept" -> "accept";
                default -> throw CliException.usage("--flags: '" + flag + "' is not a flag (allowed: " + FLAGS + ")");
            };
            if (args.has(key)) {
                throw CliException.usage("--flags: " + key + " is given twice in '" + value + "' (allowed: one of "
                        + key + (key.equals("preempt") ? "|un_preempt" : "|no_accept") + ")");
            }
            args.put(key, flag.strip().equalsIgnoreCase(key));
        }
        return this;
    }

    /** {@code -a ADDR[/PLEN],…}; an empty value sends an empty list (modify-router: remove them all). */
    RouterArgs addresses(final List<String> values) {
        return list("addresses", "--address", values, text -> IpPrefix.parse(text).toString(), "ADDR/PLEN");
    }

    RouterArgs unicastPeers(final List<String> values) {
        return list("unicast_peers", "--unicast-peer", values, text -> IpAddress.parse(text).toString(), "ADDR");
    }

    /** {@code --depends SPEC[,SPEC…]}, kept as written; a comma inside a URL stays part of it. */
    RouterArgs depends(final List<String> values) {
        if (values == null) {
            return this;
        }
        final ArrayNode array = args.putArray("depends");
        for (final String value : values) {
            for (final String spec : SPEC_START.split(value)) {
                if (!spec.isBlank()) {
                    array.add(spec.strip());
                }
            }
        }
        return this;
    }

    RouterArgs mac(final String value) {
        if (value != null) {
            final String mode = value.strip().toLowerCase(Locale.ROOT);
            if (!mode.equals("virtual") && !mode.equals("real")) {
                throw CliException.usage("--mac: '" + value + "' is not one of: virtual, real");
            }
            args.put("mac", mode);
        }
        return this;
    }

    RouterArgs checksum(final String value) {
        if (value != null) {
            args.put("checksum", parse("--checksum", value, ChecksumForm::parse, "").display());
        }
        return this;
    }

    /**
     * {@code --auth-pass}: checked here for its form (the message never repeats it), sent as is; whether the
     * router is v2 the daemon decides. {@code ''} removes it. Not stripped: spaces are printable ASCII.
     */
    RouterArgs authPass(final String value) {
        if (value != null) {
            if (!value.isEmpty()) {
                parse("--auth-pass", value, AuthPass::parse, "");
            }
            args.put("auth_pass", value);
        }
        return this;
    }

    /** A string the daemon validates (hook paths); {@code ''} is sent as is (none). */
    RouterArgs text(final String key, final String value) {
        if (value != null) {
            args.put(key, value.strip());
        }
        return this;
    }

    /**
     * The options create-router and modify-router share, as given (null: not given); {@code version} is
     * create-router's alone, checked among them so that the first bad option named stays the same.
     */
    record Settings(String priority, String interval, String flags, List<String> addresses, String version,
                    List<String> depends, List<String> unicastPeers, String mac, String checksum,
                    String preemptDelay, String announceCount, String announceInterval, String onMaster,
                    String onBackup, String onOffline, String hookTimeout, String syncGroup, String flapCount,
                    String flapWindow, String authPass) {
    }

    /** The shared options under the router file's keys, checked in the order they are listed in the help. */
    RouterArgs settings(final Settings given) {
        return integer("priority", "--priority", given.priority(), PRIORITY_RANGE)
                .integer("adv_interval", "--adv_interval", given.interval(), INTERVAL_RANGE)
                .flags(given.flags()).addresses(given.addresses()).version(given.version()).depends(given.depends())
                .unicastPeers(given.unicastPeers()).mac(given.mac()).checksum(given.checksum())
                .integer("preempt_delay", "--preempt-delay", given.preemptDelay(), "0-1000000 ms")
                .integer("announce_count", "--announce-count", given.announceCount(), "1-100")
                .integer("announce_interval", "--announce-interval", given.announceInterval(), "10-60000 ms")
                .text("on_master", given.onMaster()).text("on_backup", given.onBackup())
                .text("on_offline", given.onOffline())
                .integer("hook_timeout", "--hook-timeout", given.hookTimeout(), "100-300000 ms")
                .text("sync_group", given.syncGroup())
                .integer("flap_count", "--flap-count", given.flapCount(), "1-1000")
                .integer("flap_window", "--flap-window", given.flapWindow(), "1000-86400000 ms")
                .authPass(given.authPass());
    }

    ObjectNode done() {
        return args;
    }

    private RouterArgs list(final String key, final String option, final List<String> values,
                            final Function<String, String> canonical, final String form) {
        if (values == null) {
            return this;
        }
        final List<String> items = new ArrayList<>();
        for (final String value : values) {
            for (final String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(parse(option, item.strip(), canonical, " (expected: " + form + "[,...])"));
                }
            }
        }
        final ArrayNode array = args.putArray(key);
        items.forEach(array::add);
        return this;
    }

    /** Runs a protocol-core parser; its message (which names the allowed values) gets the option in front. */
    private static <T> T parse(final String option, final String value, final Function<String, T> parser,
                               final String hint) {
        try {
            return parser.apply(value.strip());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(option + ": " + e.getMessage() + hint);
        }
    }
}
