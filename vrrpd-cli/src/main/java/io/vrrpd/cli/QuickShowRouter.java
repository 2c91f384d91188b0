package io.vrrpd.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lean path of {@code vrrpadm show-router}, the command operators type most (issue 13): its common command lines
 * parsed by hand, the answer read by {@link ReplyJson}, the table laid out by {@link Layout} — no picocli model (its
 * Java-5 classes are loaded and verified from the jar at every run: the AOT cache cannot keep them) and no Jackson
 * databind. Together they were ~85 % of a cached run's CPU.
 *
 * <p>{@link #parse} takes only argument forms it knows picocli reads the same way ({@code QuickShowRouterTest}
 * compares both parsers on generated command lines) and declines everything else — {@code --help}, {@code --json},
 * clustered short options, {@code --}, {@code @files}, a repeated option, anything unknown — which then goes to
 * picocli as before, so help, errors and the rarer forms stay exactly what they were. What it runs after the parse
 * is {@link ShowRouterCommand}'s own option check, the same request, the same failure lines and exit statuses.
 */
final class QuickShowRouter {

    /** {@link #run}'s answer for a command line it leaves to picocli. */
    static final int NOT_MINE = -1;

    private static final String VERB = "show-router";

    /**
     * What picocli would set from a show-router command line: the top-level and the subcommand's {@code --socket}
     * (null: not given), the views, {@code -p}, {@code -o} (null: not given) and NAME (null: all routers).
     */
    record Args(String outerSocket, String socket, boolean extended, boolean peer, boolean statistics,
                boolean parsable, String output, String name) {
    }

    private QuickShowRouter() {
    }

    /**
     * Runs {@code args} if they are a show-router command line this path takes; else returns {@link #NOT_MINE}
     * having done nothing.
     */
    static int run(final String[] args, final PrintWriter out, final PrintWriter err, final Map<String, String> env) {
        final Args parsed = parse(args);
        if (parsed == null) {
            return NOT_MINE;
        }
        try {
            final List<Field> fields = ShowRouterCommand.fields(parsed.extended(), parsed.peer(), parsed.statistics(),
                    parsed.parsable(), parsed.output(), false);
            final SocketOption outer = new SocketOption();
            outer.path = parsed.outerSocket();
            final SocketOption inner = new SocketOption();
            inner.path = parsed.socket();
            final Path socket = inner.resolve(outer, env);
            // A StringBuilder, not '+': javac compiles '+' to an invokedynamic whose first call spins classes.
            final StringBuilder request = new StringBuilder("{\"verb\":\"show-router\",\"args\":{");
            if (parsed.name() != null) {
                request.append("\"name\":").append(ReplyJson.quote(parsed.name()));
            }
            request.append("}}\n");
            final List<?> routers = routers(socket,
                    ControlSocket.exchange(socket, ControlSocket.TIMEOUT,
                            request.toString().getBytes(StandardCharsets.UTF_8)));
            final List<List<String>> cells = new ArrayList<>(routers.size());
            for (final Object router : routers) {
                final List<String> row = new ArrayList<>(fields.size());
                for (final Field field : fields) {
                    row.add(ReplyJson.text(router instanceof Map<?, ?> map ? map.get(field.key()) : null));
                }
                cells.add(row);
            }
            out.print(parsed.parsable() ? Layout.parsable(cells) : Layout.human(fields, cells));
            out.flush();
            return 0;
        } catch (CliException e) {
            return CliException.report(err, e.getMessage(), e.exitCode());
        } catch (RuntimeException e) {
            return CliException.report(err, "internal error: " + e, CliException.REFUSED);
        }
    }

    /** The rows of the answer, checked as {@link ControlClient} and {@link Subcommand#show} check Jackson's tree. */
    private static List<?> routers(final Path socket, final byte[] answer) {
        final Object response;
        try {
            response = ReplyJson.read(answer);
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.UNREACHABLE, "vrrpd at " + socket + " sent an unreadable answer");
        }
        if (!(response instanceof Map<?, ?> map) || !(map.get("ok") instanceof Boolean ok)) {
            throw new CliException(CliException.UNREACHABLE, "vrrpd at " + socket + " sent an unreadable answer");
        }
        if (!ok) {
            final Object error = map.get("error");
            throw new CliException(CliException.REFUSED, error == null || error == ReplyJson.NULL
                    ? "the request failed" : error instanceof List || error instanceof Map ? "" : error.toString());
        }
        if (!(map.get("result") instanceof List<?> routers)) {
            throw new CliException(CliException.UNREACHABLE, "vrrpd sent an unreadable answer to " + VERB);
        }
        return routers;
    }

    /**
     * {@code args} as picocli would parse them, if they are {@code [--socket P] show-router [OPTION]... [NAME]} in
     * the forms this path knows; null for anything else (picocli's to handle). Each option at most once (picocli
     * refuses a repeated one), values (also after {@code =}) not starting with '-' (picocli may read them as options)
     * or '@' (argument files).
     */
    static Args parse(final String[] args) {
        int i = 0;
        String outerSocket = null;
        for (; i < args.length && !args[i].equals(VERB); i++) {
            if (outerSocket != null) {
                return null;
            }
            if (args[i].equals("--socket") && i + 1 < args.length && isValue(args[i + 1])) {
                outerSocket = args[++i];
            } else if (args[i].startsWith("--socket=") && isValue(args[i].substring("--socket=".length()))) {
                outerSocket = args[i].substring("--socket=".length());
            } else {
                return null;
            }
        }
        if (i == args.length) {
            return null;
        }
        String socket = null;
        String output = null;
        String name = null;
        boolean extended = false;
        boolean peer = false;
        boolean statistics = false;
        boolean parsable = false;
        for (i++; i < args.length; i++) {
            final String arg = args[i];
            final String value = i + 1 < args.length && isValue(args[i + 1]) ? args[i + 1] : null;
            switch (arg) {
                case "-x", "--extended" -> {
                    if (extended) {
                        return null;
                    }
                    extended = true;
                }
                case "-P", "--peer" -> {
                    if (peer) {
                        return null;
                    }
                    peer = true;
                }
                case "-S", "--statistics" -> {
                    if (statistics) {
                        return null;
                    }
                    statistics = true;
                }
                case "-p", "--parsable" -> {
                    if (parsable) {
                        return null;
                    }
                    parsable = true;
                }
                case "-o", "--output" -> {
                    if (output != null || value == null) {
                        return null;
                    }
                    output = value;
                    i++;
                }
                case "--socket" -> {
                    if (socket != null || value == null) {
                        return null;
                    }
                    socket = value;
                    i++;
                }
                default -> {
                    final String glued = arg.substring(arg.indexOf('=') + 1);
                    if (arg.startsWith("--output=") && output == null && isValue(glued)) {
                        output = glued;
                    } else if (arg.startsWith("--socket=") && socket == null && isValue(glued)) {
                        socket = glued;
                    } else if (isValue(arg) && name == null) {
                        name = arg;
                    } else {
                        return null;
                    }
                }
            }
        }
        return new Args(outerSocket, socket, extended, peer, statistics, parsable, output, name);
    }

    private static boolean isValue(final String arg) {
        return !arg.startsWith("-") && !arg.startsWith("@");
    }
}
