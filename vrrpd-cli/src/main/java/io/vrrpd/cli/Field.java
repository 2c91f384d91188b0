package io.vrrpd.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The columns of {@code show-router}: illumos vrrpadm's names (ADMIN and REASON are ours). The daemon
 * sends every field of every router under its lower-case name; the views pick columns from them.
 * Declared in view order: plain, then what {@code -x} adds, then what {@code -P} adds, then the counters
 * of {@code -S} (ours).
 */
enum Field {
    NAME, VRID, LINK, AF, PRIO, ADV_INTV, MODE, STATE, VNIC,
    ADMIN, PRV_STAT, STAT_LAST, PRIMARY_IP, VIRTUAL_IPS, SYNC_GROUP, REASON,
    PEER, P_PRIO, P_INTV, P_ADV_LAST, M_DOWN_INTV,
    ADV_SENT, ADV_RCVD, TRANSITIONS, DROPS, HOOKS_RUN, HOOK_FAILURES;

    /** The name in the daemon's JSON and in {@code --json} output. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code -o FIELD[,FIELD…]}: names of any view, any case, in the order given; {@code all}
     * means every field.
     */
    static List<Field> parseList(final String text) {
        if (text.strip().equalsIgnoreCase("all")) {
            return List.of(values());
        }
        final List<Field> fields = new ArrayList<>();
        for (final String name : text.split(",", -1)) {
            fields.add(parse(name.strip()));
        }
        return List.copyOf(fields);
    }

    private static Field parse(final String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--output: '" + name + "' is not a field (allowed: "
                    + Arrays.stream(values()).map(Field::name).collect(Collectors.joining(", ")) + ", all)");
        }
    }
}
