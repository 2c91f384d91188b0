package io.vrrpd.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A column of a show verb ({@link Field} of show-router, {@link ServiceField}, {@link ClusterField}): its upper-case
 * name is the header and the {@code -o} name, its lower-case name the key in the daemon's JSON and in
 * {@code --json}.
 */
interface Column {

    /** The column's name, e.g. {@code STARTED_ON}. */
    String name();

    /** The name in the daemon's JSON and in {@code --json} output. */
    default String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code -o FIELD[,FIELD…]}: names of any view, any case, in the order given; {@code all} means every
     * column.
     */
    static <C extends Enum<C> & Column> List<C> parseList(final String text, final Class<C> type) {
        final C[] all = type.getEnumConstants();
        if (text.strip().equalsIgnoreCase("all")) {
            return List.of(all);
        }
        final List<C> fields = new ArrayList<>();
        for (final String name : text.split(",", -1)) {
            try {
                fields.add(Enum.valueOf(type, name.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--output: '" + name.strip() + "' is not a field (allowed: "
                        + Arrays.stream(all).map(Enum::name).collect(Collectors.joining(", ")) + ", all)");
            }
        }
        return List.copyOf(fields);
    }
}
