package io.vrrpd.cli.keepalived;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A keepalived.conf read the way keepalived reads it (keepalived.conf(5)): {@code #}/{@code !} comments,
 * {@code include GLOB} (relative to the including file's directory, csh braces), {@code @ID}/{@code @^ID}
 * conditional lines against a config id, {@code $NAME=VALUE} parameters (multi-line with trailing
 * {@code \}, substituted recursively as {@code $NAME} before white space or {@code ${NAME}}), double-quoted
 * words, and blocks in {@code { }} that may open on the keyword's line or the next one. The result is a tree of
 * {@link Node}s, each with the file and line it came from, so every message can point at it.
 */
public final class KeepalivedConfig {

    /** Where a node was written. */
    public record Source(Path file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    /** One line's statement: its keyword, the words after it, and its block's statements (empty without one). */
    public record Node(String keyword, List<String> args, List<Node> children, Source where) {
        /** The first child with this keyword. */
        public java.util.Optional<Node> child(final String name) {
            return children.stream().filter(c -> c.keyword.equals(name)).findFirst();
        }

        /** Every word of the block, line by line (a value block such as {@code group { A B }}). */
        public List<String> words() {
            final List<String> words = new ArrayList<>();
            children.forEach(c -> {
                words.add(c.keyword);
                words.addAll(c.args);
            });
            return words;
        }
    }

    /** A file keepalived itself would refuse to read, at the place it goes wrong. */
    public static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(final Source where, final String message) {
            super(where + ": " + message);
        }
    }

    private static final int MAX_INCLUDE_DEPTH = 16;
    private static final int MAX_SUBSTITUTIONS = 64;
    private static final int MAX_LINES = 1_000_000;
    private static final Pattern DEFINITION = Pattern.compile("^\\$([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)(?=\\s|$)");
    private static final List<String> INCLUDES = List.of("include", "includer", "includem", "includew", "includeb",
            "includef");

    private final String configId;
    private final Map<String, String> parameters = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<Line> lines = new ArrayList<>();

    private record Line(List<String> words, Source where) {
    }

    private KeepalivedConfig(final String configId) {
        this.configId = configId;
    }

    /** The statements of {@code file} and what it includes, with {@code @ID} lines kept when ID is {@code configId}. */
    public static Parsed read(final Path file, final String configId) throws IOException, SyntaxException {
        final KeepalivedConfig config = new KeepalivedConfig(configId);
        config.readFile(file, 0, null);
        return new Parsed(config.tree(), List.copyOf(config.warnings));
    }

    /** The top-level statements, and what was odd but not fatal (an include matching nothing). */
    public record Parsed(List<Node> statements, List<String> warnings) {
    }

    private void readFile(final Path file, final int depth, final Source from) throws IOException, SyntaxException {
        if (depth > MAX_INCLUDE_DEPTH) {
            throw new SyntaxException(from, "include: more than " + MAX_INCLUDE_DEPTH + " files deep (an include loop?)");
        }
        final List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (from == null) {
                throw e;
            }
            throw new SyntaxException(from, "include: " + file + ": no such file");
        }
        for (int i = 0; i < text.size(); i++) {
            final Source where = new Source(file, i + 1);
            String raw = text.get(i);
            final String kept = conditional(raw.strip());
            if (kept == null) {
                continue;
            }
            final Matcher definition = DEFINITION.matcher(kept);
            if (definition.matches()) {
                final StringBuilder value = new StringBuilder(definition.group(2).strip());
                // A multi-line value: every line but the last ends with '\'; its lines stay lines (each may be @ID).
                while (value.toString().endsWith("\\") && i + 1 < text.size()) {
                    value.setLength(value.length() - 1);
                    value.append('\n').append(text.get(++i).strip());
                }
                parameters.put(definition.group(1), value.toString().strip());
                continue;
            }
            for (final String line : substituted(kept, where).split("\n", -1)) {
                final String again = conditional(line.strip());
                if (again != null) {
                    addLine(again, where, depth);
                }
            }
        }
    }

    private void addLine(final String line, final Source where, final int depth) throws IOException, SyntaxException {
        final String text = stripComment(line).strip();
        final String keyword = text.substring(0, firstSpace(text));
        if (INCLUDES.contains(keyword)) {
            // The file name is the rest of the line: its braces are csh's {a,b}, not a block.
            final String[] name = text.substring(keyword.length()).strip().replace("\"", "").split("\\s+");
            if (name.length != 1 || name[0].isEmpty()) {
                throw new SyntaxException(where, keyword + ": expected one FILENAME (a path or a glob)");
            }
            final List<Path> matches = glob(where.file().toAbsolutePath().getParent(), name[0]);
            if (matches.isEmpty()) {
                warnings.add(where + ": " + keyword + " " + name[0] + ": no file matches (keepalived skips it too)");
            }
            for (final Path match : matches) {
                readFile(match, depth + 1, where);
            }
            return;
        }
        final List<String> words = words(text, where);
        if (words.isEmpty()) {
            return;
        }
        if (lines.size() >= MAX_LINES) {
            throw new SyntaxException(where, "more than " + MAX_LINES + " lines");
        }
        lines.add(new Line(words, where));
    }

    /** The line without its {@code @ID }/{@code @^ID } prefix when it applies to this host; null when it does not. */
    private String conditional(final String line) {
        if (!line.startsWith("@")) {
            return line;
        }
        final int end = firstSpace(line);
        final String condition = line.substring(1, end);
        final boolean negated = condition.startsWith("^");
        final String id = negated ? condition.substring(1) : condition;
        return id.equals(configId) != negated ? line.substring(end).strip() : null;
    }

    private static int firstSpace(final String line) {
        for (int i = 0; i < line.length(); i++) {
            if (Character.isWhitespace(line.charAt(i))) {
                return i;
            }
        }
        return line.length();
    }

    private String substituted(final String line, final Source where) throws SyntaxException {
        String current = line;
        for (int round = 0; round < MAX_SUBSTITUTIONS; round++) {
            final Matcher reference = REFERENCE.matcher(current);
            final StringBuilder next = new StringBuilder();
            boolean replaced = false;
            while (reference.find()) {
                final String name = reference.group(1) != null ? reference.group(1) : reference.group(2);
                final String value = parameters.get(name);
                // An undefined parameter stays as written (a '$' in a script's command line, say).
                reference.appendReplacement(next, Matcher.quoteReplacement(value == null ? reference.group() : value));
                replaced |= value != null;
            }
            reference.appendTail(next);
            if (!replaced) {
                return current;
            }
            current = next.toString();
        }
        throw new SyntaxException(where, "parameters still expand after " + MAX_SUBSTITUTIONS + " rounds (a parameter"
                + " that refers to itself?)");
    }

    private static String stripComment(final String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '#' || c == '!')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** White-space separated words; a double-quoted string is one word; braces are words of their own. */
    private static List<String> words(final String line, final Source where) throws SyntaxException {
        final List<String> words = new ArrayList<>();
        final StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                } else {
                    word.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                inWord = true;
            } else if (Character.isWhitespace(c) || c == '{' || c == '}') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                if (c == '{' || c == '}') {
                    words.add(String.valueOf(c));
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quoted) {
            throw new SyntaxException(where, "a double-quoted string is not closed on its line");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static List<Path> glob(final Path base, final String pattern) throws IOException {
        final Path full = base.resolve(pattern).normalize();
        if (!pattern.matches(".*[*?\\[{].*")) {
            return List.of(full);
        }
        // Walk from the deepest directory without a wildcard, as deep as the pattern has components.
        Path root = full.getRoot();
        int depth = 0;
        boolean wild = false;
        for (final Path part : full) {
            if (wild || part.toString().matches(".*[*?\\[{].*")) {
                wild = true;
                depth++;
            } else {
                root = root.resolve(part);
            }
        }
        final PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + full);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> found = Files.walk(root, depth)) {
            return found.filter(Files::isRegularFile).filter(matcher::matches).sorted().toList();
        }
    }

    /** Lines to statements: a '{' opens a block on the statement before it, '}' closes it. */
    private List<Node> tree() throws SyntaxException {
        record Open(String keyword, List<String> args, List<Node> children, Source where) {
        }
        final Deque<Open> stack = new ArrayDeque<>();
        final List<Node> top = new ArrayList<>();
        Node last = null;
        Source lastWhere = null;
        for (final Line line : lines) {
            List<String> pending = new ArrayList<>();
            for (final String word : line.words()) {
                final List<Node> into = stack.isEmpty() ? top : stack.peek().children();
                switch (word) {
                    case "{" -> {
                        final Open open;
                        if (!pending.isEmpty()) {
                            open = new Open(pending.getFirst(), List.copyOf(pending.subList(1, pending.size())),
                                    new ArrayList<>(), line.where());
                        } else if (last != null && last.children().isEmpty() && !into.isEmpty() && into.getLast() == last) {
                            // "keyword NAME" on one line and "{" alone on the next.
                            into.removeLast();
                            open = new Open(last.keyword(), last.args(), new ArrayList<>(), last.where());
                        } else {
                            throw new SyntaxException(line.where(), "'{' without a keyword before it");
                        }
                        stack.push(open);
                        pending = new ArrayList<>();
                        last = null;
                    }
                    case "}" -> {
                        if (!pending.isEmpty()) {
                            into.add(node(pending, line.where()));
                            pending = new ArrayList<>();
                        }
                        if (stack.isEmpty()) {
                            throw new SyntaxException(line.where(), "'}' without a '{' before it");
                        }
                        final Open closed = stack.pop();
                        final Node block = new Node(closed.keyword(), closed.args(), List.copyOf(closed.children()),
                                closed.where());
                        (stack.isEmpty() ? top : stack.peek().children()).add(block);
                        last = block;
                    }
                    default -> pending.add(word);
                }
            }
            if (!pending.isEmpty()) {
                last = node(pending, line.where());
                (stack.isEmpty() ? top : stack.peek().children()).add(last);
            }
            lastWhere = line.where();
        }
        if (!stack.isEmpty()) {
            throw new SyntaxException(stack.peek().where(), stack.peek().keyword() + ": its '{' is never closed (the"
                    + " files end at " + lastWhere + ")");
        }
        return List.copyOf(top);
    }

    private static Node node(final List<String> words, final Source where) {
        return new Node(words.getFirst(), List.copyOf(words.subList(1, words.size())), List.of(), where);
    }
}
