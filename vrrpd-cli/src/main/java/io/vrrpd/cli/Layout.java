package io.vrrpd.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The human and parseable forms of a show verb's table, from cells already turned into text: what {@link Table}
 * (Jackson's tree) and {@link QuickShowRouter} (its own small reader) share, so both print byte for byte the same.
 * Knows no JSON: the lean show-router path loads it without Jackson.
 */
final class Layout {

    /** What a human sees for a value the daemon does not have (illumos' ofmt convention). */
    static final String NONE = "--";

    private Layout() {
    }

    /**
     * A header ({@code fields}' names), then one line per row (its cells' texts, empty for none), columns
     * left-aligned and separated by at least two spaces, an empty cell shown as {@link #NONE}.
     */
    static String human(final List<? extends Column> fields, final List<List<String>> cells) {
        // Loops, not streams: the lean show-router path loads no stream classes (issue 13).
        final List<List<String>> rows = new ArrayList<>(cells.size() + 1);
        final List<String> header = new ArrayList<>(fields.size());
        for (final Column field : fields) {
            header.add(field.name());
        }
        rows.add(header);
        for (final List<String> row : cells) {
            final List<String> shown = new ArrayList<>(row.size());
            for (final String text : row) {
                shown.add(text.isEmpty() ? NONE : text);
            }
            rows.add(shown);
        }
        final int[] widths = new int[fields.size()];
        for (final List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        final StringBuilder out = new StringBuilder();
        for (final List<String> row : rows) {
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(i == 0 ? "" : "  ").append(row.get(i)).repeat(' ', widths[i] - row.get(i).length());
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /**
     * {@code -p -o …}: one line per row, fields separated by {@code :}, no header; a {@code :} or
     * {@code \} inside a value is escaped with {@code \}, so a script can split IPv6 addresses safely.
     */
    static String parsable(final List<List<String>> cells) {
        final StringBuilder out = new StringBuilder();
        for (final List<String> row : cells) {
            for (int i = 0; i < row.size(); i++) {
                out.append(i == 0 ? "" : ":").append(escape(row.get(i)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    static String escape(final String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }
}
