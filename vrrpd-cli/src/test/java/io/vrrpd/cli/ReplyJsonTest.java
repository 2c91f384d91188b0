package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The lean path's JSON reader against Jackson's tree, on generated JSON: the same table text for every value and
 * member, the same kinds where vrrpadm looks (object, array, boolean), and malformed text refused by both.
 */
class ReplyJsonTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Property(tries = 2000)
    void shouldGiveJacksonsTextForEveryValue(@ForAll("json") final String json) throws IOException {
        final JsonNode tree = JACKSON.readTree(json.getBytes(StandardCharsets.UTF_8));
        final Object value = ReplyJson.read(json.getBytes(StandardCharsets.UTF_8));
        assertSame(tree, value, json);
    }

    private static void assertSame(final JsonNode tree, final Object value, final String json) {
        assertEquals(Table.text(tree), ReplyJson.text(value), json);
        assertEquals(tree.isObject(), value instanceof Map, json);
        assertEquals(tree.isArray(), value instanceof List, json);
        assertEquals(tree.isBoolean(), value instanceof Boolean, json);
        assertEquals(tree.isNull(), value == ReplyJson.NULL, json);
        if (value instanceof Map<?, ?> map) {
            assertEquals(tree.size(), map.size(), json);
            tree.properties().forEach(member -> assertSame(member.getValue(), map.get(member.getKey()), json));
        } else if (value instanceof List<?> list) {
            assertEquals(tree.size(), list.size(), json);
            for (int i = 0; i < list.size(); i++) {
                assertSame(tree.get(i), list.get(i), json);
            }
        }
    }

    /** A generated JSON text with one character dropped, doubled or replaced: whoever refuses it, both do. */
    @Property(tries = 2000)
    void shouldRefuseWhatJacksonRefuses(@ForAll("json") final String json, @ForAll @IntRange(max = 1000) final int at,
                                        @ForAll("damage") final String damage) {
        final int i = at % json.length();
        final String broken = switch (damage) {
            case "drop" -> json.substring(0, i) + json.substring(i + 1);
            case "double" -> json.substring(0, i) + json.charAt(i) + json.substring(i);
            default -> json.substring(0, i) + damage + json.substring(i + 1);
        };
        boolean jacksonRefuses;
        JsonNode tree = null;
        try {
            tree = JACKSON.readTree(broken.getBytes(StandardCharsets.UTF_8)); // the same bytes (a lone surrogate: '?')
            jacksonRefuses = tree == null || tree.isMissingNode();
        } catch (IOException e) {
            jacksonRefuses = true;
        }
        if (jacksonRefuses) {
            assertThrows(IllegalArgumentException.class, () -> ReplyJson.read(broken.getBytes(StandardCharsets.UTF_8)),
                    visible(broken));
        } else {
            assertSame(tree, ReplyJson.read(broken.getBytes(StandardCharsets.UTF_8)), visible(broken));
        }
    }

    /** {@code text} with its control characters as {@code <XX>}, for a readable failure. */
    private static String visible(final String text) {
        final StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x20 || Character.isSurrogate((char) c)
                ? "<" + Integer.toHexString(c) + ">" : String.valueOf((char) c)));
        return out.toString();
    }

    @Provide
    Arbitrary<String> damage() {
        return Arbitraries.of("drop", "double", "\"", "\\", ",", ":", "{", "}", "[", "]", "-", "0", "e", ".", "x", " ",
                "\u0001", "t", "n");
    }

    @Provide
    Arbitrary<String> json() {
        return value(3);
    }

    private static Arbitrary<String> value(final int depth) {
        final Arbitrary<String> scalar = Arbitraries.oneOf(string(), number(),
                Arbitraries.of("true", "false", "null"));
        if (depth == 0) {
            return scalar;
        }
        final Arbitrary<String> array = value(depth - 1).list().ofMaxSize(4)
                .map(items -> "[" + String.join(",", items) + "]");
        final Arbitrary<String> object = Combinators.combine(string(), value(depth - 1)).as((k, v) -> k + " : " + v)
                .list().ofMaxSize(4).map(members -> "{" + String.join(", ", members) + "}");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, scalar), net.jqwik.api.Tuple.of(2, array), net.jqwik.api.Tuple.of(2, object));
    }

    /** Strings with the escapes JSON has, and characters beyond ASCII. */
    private static Arbitrary<String> string() {
        final Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abc:,=-_ /é€").ofMaxLength(4),
                Arbitraries.of("\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\u20AC",
                        "\\ud83d\\ude00", "\\u0000", "😀"));
        return piece.list().ofMaxSize(4).map(pieces -> "\"" + String.join("", pieces) + "\"");
    }

    /** Integers of every size Jackson tells apart (int, long, big), -0, fractions and exponents. */
    private static Arbitrary<String> number() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.bigIntegers().between(new java.math.BigInteger("-1" + "0".repeat(30)),
                        new java.math.BigInteger("1" + "0".repeat(30))).map(String::valueOf),
                Arbitraries.of("-0", "0", "0.0", "-0.0", "1.5", "1e3", "1E+3", "2.5e-3", "123456789.123456789",
                        "1e308", "4.9e-324"));
    }

    @Example
    void shouldReadTheDaemonsAnswer() {
        final Object answer = ReplyJson.read(("{\"ok\":true,\"result\":" + Routers.JSON + "}").getBytes(
                StandardCharsets.UTF_8));
        final List<?> routers = (List<?>) ((Map<?, ?>) answer).get("result");
        assertEquals("192.0.2.100/24,192.0.2.101/24", ReplyJson.text(((Map<?, ?>) routers.get(0)).get("virtual_ips")));
        assertEquals("bad_ttl=4,bad_checksum=1", ReplyJson.text(((Map<?, ?>) routers.get(0)).get("drops")));
        assertEquals("", ReplyJson.text(((Map<?, ?>) routers.get(0)).get("peer")));
        assertEquals("dep a\\b:c failed", ReplyJson.text(((Map<?, ?>) routers.get(1)).get("reason")));
    }

    @Example
    void shouldQuoteAsJsonDoes() throws IOException {
        final String name = "a\"b\\c\nd\u0001é";
        assertEquals(name, JACKSON.readTree(ReplyJson.quote(name)).asText());
    }
}
