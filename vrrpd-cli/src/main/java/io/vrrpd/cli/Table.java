package io.vrrpd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Renders a show verb's answer — one JSON object per row (router, service, service on a node, cluster member)
 * holding every field — in the three output forms. Pure: rows and columns in, text out.
 */
final class Table {

    /** What a human sees for a value the daemon does not have (illumos' ofmt convention). */
    static final String NONE = "--";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Table() {
    }

    /** A header, then one row per router (service, …), columns left-aligned and separated by at least two spaces. */
    static String human(final List<? extends Column> fields, final List<JsonNode> routers) {
        final List<List<String>> rows = new ArrayList<>();
        rows.add(fields.stream().map(Column::name).toList());
        for (final JsonNode router : routers) {
            rows.add(fields.stream().map(field -> orNone(text(router.get(field.key())))).toList());
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
    static String parsable(final List<? extends Column> fields, final List<JsonNode> routers) {
        final StringBuilder out = new StringBuilder();
        for (final JsonNode router : routers) {
            out.append(fields.stream().map(field -> escape(text(router.get(field.key()))))
                    .collect(Collectors.joining(":"))).append('\n');
        }
        return out.toString();
    }

    /** {@code --json}: an array of objects holding the selected fields under their lower-case names. */
    static String json(final List<? extends Column> fields, final List<JsonNode> routers) {
        final ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (final JsonNode router : routers) {
            final ObjectNode object = array.addObject();
            for (final Column field : fields) {
                final JsonNode value = router.get(field.key());
                object.set(field.key(), value == null ? NullNode.getInstance() : value);
            }
        }
        try {
            return JSON.writeValueAsString(array) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static String escape(final String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** A field's text: empty for none, list elements joined by commas, objects as {@code key=value,…}. */
    static String text(final JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        if (value.isArray()) {
            return StreamSupport.stream(value.spliterator(), false).map(Table::text)
                    .collect(Collectors.joining(","));
        }
        if (value.isObject()) {
            final List<String> pairs = new ArrayList<>();
            value.fields().forEachRemaining(entry -> pairs.add(entry.getKey() + "=" + text(entry.getValue())));
            return String.join(",", pairs);
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static String orNone(final String text) {
        return text.isEmpty() ? NONE : text;
    }
}
