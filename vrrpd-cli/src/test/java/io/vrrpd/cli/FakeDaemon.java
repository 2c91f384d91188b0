package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrrpd.daemon.control.ControlException;
import io.vrrpd.daemon.control.ControlServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The daemon vrrpadm's tests talk to: the daemon's real {@link ControlServer} on a socket in a fresh temporary
 * directory for each test, with a handler that records every request and answers as the test class says.
 * Register it with {@code @RegisterExtension}.
 */
final class FakeDaemon implements BeforeEachCallback, AfterEachCallback {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What one vrrpadm run printed and returned. */
    record Run(int status, String out, String err) {
    }

    /** The daemon's answer to one request; an {@link IOException} (reading canned JSON) fails the test. */
    @FunctionalInterface
    interface Answers {
        JsonNode answer(String verb, JsonNode args) throws ControlException, IOException;
    }

    private final Answers answers;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private Path dir;
    private ControlServer server;

    FakeDaemon(final Answers answers) {
        this.answers = answers;
    }

    @Override
    public void beforeEach(final ExtensionContext context) throws IOException {
        requests.clear();
        dir = Files.createTempDirectory("vrrpadm-test");
        server = ControlServer.start(dir.resolve("vrrpd.sock"), (verb, args) -> {
            requests.add(JSON.createObjectNode().put("verb", verb).set("args", args));
            try {
                return answers.answer(verb, args);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public void afterEach(final ExtensionContext context) throws IOException {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            try (Stream<Path> files = dir == null ? Stream.empty() : Files.walk(dir)) {
                for (final Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** This test's temporary directory, which holds the socket; other paths in it name sockets nobody serves. */
    Path dir() {
        return dir;
    }

    Path socket() {
        return server.path();
    }

    /** Every request received, oldest first: {@code {"verb": …, "args": …}}. */
    List<JsonNode> requests() {
        return requests;
    }

    JsonNode lastRequest() {
        return requests.getLast();
    }

    /** Runs vrrpadm with {@code env} as its environment. */
    static Run run(final Map<String, String> env, final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = VrrpadmMain.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Run(status, out.toString(), err.toString());
    }

    /** Runs vrrpadm with VRRPD_SOCKET pointing at this daemon. */
    Run vrrpadm(final String... args) {
        return run(Map.of("VRRPD_SOCKET", socket().toString()), args);
    }
}
