package io.vrrpd.cli;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader and string writer for the lean show-router path ({@link QuickShowRouter}): the control
 * socket's answer as plain Java values — {@link Map} (keys in order), {@link List}, {@link String}, {@link
 * BigInteger}, {@link Double}, {@link Boolean}, {@link #NULL} — without Jackson's databind, whose
 * {@code ObjectMapper} set-up alone cost a one-shot command ~100 ms of CPU with the AOT cache (issue 13). {@link
 * #text} gives a value's table text exactly as {@link Table#text} gives it for Jackson's tree (ReplyJsonTest
 * compares them), so both paths print the same bytes.
 */
final class ReplyJson {

    /** JSON's {@code null} (a Java null is a missing key). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Jackson's default nesting limit (StreamReadConstraints): deeper is unreadable, not a stack overflow. */
    private static final int MAX_DEPTH = 1000;

    private final String text;
    private int at;

    private ReplyJson(final String text) {
        this.text = text;
    }

    /**
     * The first JSON value in {@code utf8}; what follows it is ignored, as Jackson's {@code readTree} ignores it.
     *
     * @throws IllegalArgumentException if there is no well-formed value (or the bytes are not UTF-8)
     */
    static Object read(final byte[] utf8) {
        final String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
        final ReplyJson reader = new ReplyJson(text);
        reader.skipSpace();
        final Object value = reader.value(0);
        // As Jackson: a number at the top ends at a space or the end (after a container or string, anything may
        // follow).
        final char after = reader.peek();
        if ((value instanceof BigInteger || value instanceof Double)
                && after != '\0' && after != ' ' && after != '\t' && after != '\n' && after != '\r') {
            throw reader.malformed("a number followed by '" + after + "'");
        }
        return value;
    }

    /** {@code value}'s text in a table: empty for none, list elements joined by commas, objects as {@code k=v,…}. */
    static String text(final Object value) {
        if (value == null || value == NULL) {
            return "";
        }
        if (value instanceof List<?> list) {
            final StringBuilder out = new StringBuilder();
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",").append(text(list.get(i)));
            }
            return out.toString();
        }
        if (value instanceof Map<?, ?> map) {
            final StringBuilder out = new StringBuilder();
            for (final Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(out.isEmpty() ? "" : ",").append(entry.getKey()).append('=').append(text(entry.getValue()));
            }
            return out.toString();
        }
        return value.toString();
    }

    /** {@code value} as a JSON string literal, quotes included. */
    static String quote(final String value) {
        final StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private Object value(final int depth) {
        if (depth > MAX_DEPTH) {
            throw malformed("nested deeper than " + MAX_DEPTH);
        }
        if (at >= text.length()) {
            throw malformed("no value");
        }
        final char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string(false);
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> number();
        };
    }

    private Map<String, Object> object(final int depth) {
        final Map<String, Object> object = new LinkedHashMap<>();
        at++;
        skipSpace();
        if (peek() == '}') {
            at++;
            return object;
        }
        while (true) {
            if (peek() != '"') {
                throw malformed("a key expected");
            }
            final String key = string(true);
            skipSpace();
            expect(':');
            skipSpace();
            object.put(key, value(depth + 1));
            skipSpace();
            final char c = next();
            if (c == '}') {
                return object;
            }
            if (c != ',') {
                throw malformed("',' or '}' expected");
            }
            skipSpace();
        }
    }

    private List<Object> array(final int depth) {
        final List<Object> array = new ArrayList<>();
        at++;
        skipSpace();
        if (peek() == ']') {
            at++;
            return array;
        }
        while (true) {
            array.add(value(depth + 1));
            skipSpace();
            final char c = next();
            if (c == ']') {
                return array;
            }
            if (c != ',') {
                throw malformed("',' or ']' expected");
            }
            skipSpace();
        }
    }

    /** A string; in a key (as Jackson) a {@code \\u} surrogate only as a high-low pair of escapes. */
    private String string(final boolean key) {
        at++;
        final StringBuilder out = new StringBuilder();
        while (true) {
            final char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw malformed("a control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            final char escaped = next();
            switch (escaped) {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        final int digit = Character.digit(next(), 16);
                        if (digit < 0) {
                            throw malformed("a bad \\u escape");
                        }
                        code = code * 16 + digit;
                    }
                    if (key && Character.isLowSurrogate((char) code)
                            && (out.isEmpty() || !Character.isHighSurrogate(out.charAt(out.length() - 1)))) {
                        throw malformed("a low surrogate alone in a key");
                    }
                    out.append((char) code);
                    if (key && Character.isHighSurrogate((char) code)
                            && !(text.startsWith("\\u", at) && at + 6 <= text.length()
                            && Character.isLowSurrogate((char) Integer.parseInt(text, at + 2, at + 6, 16)))) {
                        throw malformed("a high surrogate alone in a key");
                    }
                }
                default -> throw malformed("a bad escape");
            }
        }
    }

    /** JSON's number grammar; an integer as {@link BigInteger} (Jackson's int, long or big integer print alike). */
    private Object number() {
        final int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else if (isDigit(peek()) && peek() != '0') {
            while (isDigit(peek())) {
                at++;
            }
        } else {
            throw malformed("a value expected");
        }
        boolean integer = true;
        if (peek() == '.') {
            integer = false;
            at++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            digits();
        }
        final String literal = text.substring(start, at);
        return integer ? new BigInteger(literal) : (Object) Double.parseDouble(literal);
    }

    private void digits() {
        if (!isDigit(peek())) {
            throw malformed("a digit expected");
        }
        while (isDigit(peek())) {
            at++;
        }
    }

    private static boolean isDigit(final char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(final String word, final Object value) {
        if (!text.startsWith(word, at)) {
            throw malformed("a value expected");
        }
        at += word.length();
        if (Character.isJavaIdentifierPart(peek()) && peek() != '\0') {
            throw malformed("an unknown word"); // as Jackson: "truex" is not true followed by x
        }
        return value;
    }

    private void skipSpace() {
        while (at < text.length()) {
            final char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private char next() {
        if (at >= text.length()) {
            throw malformed("unexpected end");
        }
        return text.charAt(at++);
    }

    private void expect(final char c) {
        if (next() != c) {
            throw malformed("'" + c + "' expected");
        }
    }

    private IllegalArgumentException malformed(final String what) {
        return new IllegalArgumentException("malformed JSON at " + at + ": " + what);
    }
}
