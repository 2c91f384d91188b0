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
    static final String NONE = Layout.NONE;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Table() {
    }

    /** A header, then one row per router (service, …), columns left-aligned and separated by at least two spaces. */
    static String human(final List<? extends Column> fields, final List<JsonNode> routers) {
        return Layout.human(fields, cells(fields, routers));
    }

    /**
     * {@code -p -o …}: one line per row, fields separated by {@code :}, no header; a {@code :} or
     * {@code \} inside a value is escaped with {@code \}, so a script can split IPv6 addresses safely.
     */
    static String parsable(final List<? extends Column> fields, final List<JsonNode> routers) {
        return Layout.parsable(cells(fields, routers));
    }

    private static List<List<String>> cells(final List<? extends Column> fields, final List<JsonNode> routers) {
        final List<List<String>> cells = new ArrayList<>(routers.size());
        for (final JsonNode router : routers) {
            cells.add(fields.stream().map(field -> text(router.get(field.key()))).toList());
        }
        return cells;
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
}
