package io.vrrpd.daemon.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading the human-edited TOML files (router files, services/NAME.toml, vrrpd.toml) so that every problem is
 * a {@link ConfigError} with a line: the parser gives one for syntax errors, and validation errors are placed
 * on the line that sets the key they are about (Jackson's tree keeps no positions).
 */
final class TomlFiles {

    /** A table header line: {@code [name]} or {@code [[name]]}, optionally quoted, with a trailing comment. */
    private static final Pattern TABLE = Pattern.compile("^\\s*\\[\\[?\\s*\"?([^\\]\"]*?)\"?\\s*\\]\\]?\\s*(#.*)?$");

    private TomlFiles() {
    }

    /** The file's text; not UTF-8 or unreadable is an error at line 1. */
    static String read(final Path file) throws InvalidFileException {
        final byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidFileException(new ConfigError(file, 1, "cannot read: " + e));
        }
        return decode(file, bytes);
    }

    /** {@code bytes} (the content of {@code file}) as text; not UTF-8 is an error at line 1. */
    static String decode(final Path file, final byte[] bytes) throws InvalidFileException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidFileException(new ConfigError(file, 1, "not UTF-8 text (TOML files are UTF-8)"));
        }
    }

    /** Parses {@code text}; a syntax error names the parser's line. */
    static JsonNode parse(final TomlMapper toml, final Path file, final String text) throws InvalidFileException {
        try {
            return toml.readTree(text);
        } catch (JsonProcessingException e) {
            final String message = oneLine(e.getOriginalMessage());
            throw new InvalidFileException(new ConfigError(file, syntaxErrorLine(text, e, message),
                    "TOML syntax error: " + message));
        }
    }

    /**
     * The parser's line, except where its position has already passed the newline that ends the offending
     * line: a duplicate key is noticed after its value's newline, and an unclosed value at the end of the
     * file; both then point at column 1 of the next (possibly non-existent) line.
     */
    private static int syntaxErrorLine(final String text, final JsonProcessingException e, final String message) {
        if (e.getLocation() == null || e.getLocation().getLineNr() < 1) {
            return 1;
        }
        final int line = e.getLocation().getLineNr();
        final int lines = (int) text.chars().filter(c -> c == '\n').count() + (text.endsWith("\n") ? 0 : 1);
        final boolean pastNewline = e.getLocation().getColumnNr() == 1 && line > 1
                && (line > lines || message.startsWith("Duplicate key"));
        return pastNewline ? line - 1 : line;
    }

    /** The 1-based line where {@code key} is set ({@code key =} or {@code [key]}) anywhere, else 1. */
    static int lineOf(final String text, final String key) {
        if (key == null) {
            return 1;
        }
        final Pattern pattern = keyPattern(key);
        final String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (pattern.matcher(lines[i]).find()) {
                return i + 1;
            }
        }
        return 1;
    }

    /**
     * The 1-based line where {@code key} is set inside table {@code table} ({@code ""}: the top level, before
     * any table header); {@code key} null: the table's header. Else the table's header, else 1.
     */
    static int lineOf(final String text, final String table, final String key) {
        final Pattern pattern = key == null ? null : keyPattern(key);
        final String[] lines = text.split("\n", -1);
        String current = "";
        int header = 0;
        for (int i = 0; i < lines.length; i++) {
            final Matcher tableHeader = TABLE.matcher(lines[i]);
            if (tableHeader.matches()) {
                current = tableHeader.group(1).strip();
                if (current.equals(table) && header == 0) {
                    header = i + 1;
                }
                continue;
            }
            if (pattern != null && current.equals(table) && pattern.matcher(lines[i]).find()) {
                return i + 1;
            }
        }
        return header == 0 ? 1 : header;
    }

    private static Pattern keyPattern(final String key) {
        return Pattern.compile("^\\s*(\\[\\s*)?(\"?)" + Pattern.quote(key) + "\\2\\s*[=\\].]");
    }

    private static String oneLine(final String message) {
        final String text = message == null ? "syntax error" : message.strip();
        final int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
