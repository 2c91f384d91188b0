package io.vrrpd.daemon.web;

import io.vrrpd.daemon.config.ConfigError;
import io.vrrpd.daemon.config.InvalidFileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The bearer tokens of {@code [web] token_file}: one {@code TOKEN ROLE} per line (ROLE {@code read} or
 * {@code admin}); blank lines and lines starting with {@code #} are skipped.
 *
 * <p>Only the SHA-256 digests of the tokens are kept, and a presented token is compared by its digest with
 * {@link MessageDigest#isEqual} against every entry (no early exit): the time taken says nothing about how much of
 * a token matched. No message here or elsewhere contains a token; file errors name the line only.
 */
public final class Tokens {

    /** The shortest token accepted: 16 characters; {@code openssl rand -hex 32} makes 64. */
    public static final int MIN_LENGTH = 16;
    /** RFC 6750 b64token: what an {@code Authorization: Bearer} header can carry. */
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    private static final String FORM = "one 'TOKEN ROLE' per line, ROLE read or admin";

    private record Entry(byte[] digest, Role role) {
    }

    private final List<Entry> entries;

    private Tokens(final List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Reads {@code file}; a problem is {@code FILE:LINE: message}. */
    public static Tokens load(final Path file) throws InvalidFileException {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidFileException(new ConfigError(file, 1, "cannot read the token file: " + e.getMessage()));
        }
        return parse(file, text);
    }

    /** Parses the text of {@code file}. */
    static Tokens parse(final Path file, final String text) throws InvalidFileException {
        final List<Entry> entries = new ArrayList<>();
        final List<Integer> lines = new ArrayList<>();
        final String[] all = text.split("\n", -1);
        for (int i = 0; i < all.length; i++) {
            final int number = i + 1;
            final String line = all[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final String[] fields = line.split("[ \t]+");
            if (fields.length != 2) {
                throw error(file, number, "expected 'TOKEN ROLE' (" + FORM + "), found " + fields.length
                        + " field(s)");
            }
            final Role role = switch (fields[1]) {
                case "read" -> Role.READ;
                case "admin" -> Role.ADMIN;
                default -> throw error(file, number, "role '" + fields[1] + "' is not valid (allowed: read, admin)");
            };
            final String token = fields[0];
            if (token.length() < MIN_LENGTH) {
                throw error(file, number, "the token is too short: " + token.length() + " characters (at least "
                        + MIN_LENGTH + "; e.g. openssl rand -hex 32)");
            }
            if (!B64TOKEN.matcher(token).matches()) {
                throw error(file, number, "the token has a character a bearer token cannot carry (allowed: A-Z a-z"
                        + " 0-9 - . _ ~ + / and = at the end)");
            }
            final byte[] digest = sha256(token);
            for (int j = 0; j < entries.size(); j++) {
                if (MessageDigest.isEqual(entries.get(j).digest(), digest)) {
                    throw error(file, number, "the same token as line " + lines.get(j) + " (each token once)");
                }
            }
            entries.add(new Entry(digest, role));
            lines.add(number);
        }
        if (entries.isEmpty()) {
            throw error(file, 1, "no token in the file (" + FORM + ")");
        }
        return new Tokens(entries);
    }

    /**
     * The role of {@code token}, compared in constant time against every entry.
     *
     * @return empty when no entry matches
     */
    public Optional<Role> roleOf(final String token) {
        final byte[] digest = sha256(token);
        Role found = null;
        for (final Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && found == null) {
                found = entry.role();
            }
        }
        return Optional.ofNullable(found);
    }

    /** How many tokens the file holds (for the start-up log line; never the tokens). */
    public int size() {
        return entries.size();
    }

    @Override
    public String toString() {
        return "Tokens[" + entries.size() + " token(s)]";
    }

    private static byte[] sha256(final String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static InvalidFileException error(final Path file, final int line, final String message) {
        return new InvalidFileException(new ConfigError(file, line, message));
    }
}
