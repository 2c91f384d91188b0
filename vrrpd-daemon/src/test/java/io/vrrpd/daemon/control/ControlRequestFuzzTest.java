package io.vrrpd.daemon.control;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.protocol.ManualClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the control socket's requests without a socket: each input is a session of up to 16 request lines,
 * each handed to {@link ControlConnection#respond} with the daemon's verb table ({@link ControlVerbs} over a
 * {@link RouterControl} whose router files go to a fresh directory, a {@link FakeRuntime} for the kernel side,
 * and a {@link ServiceControl} over a recording ServiceAdmin). Every line must get a JSON answer with
 * {@code ok}; a refusal is one line, and no verb throws a RuntimeException (ControlServer would answer it as
 * "internal error": a finding). Seeds: one session per verb family, as vrrpadm sends them.
 */
class ControlRequestFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LINES = 16;
    /** tmpfs when there is one: router files are written (and fsync'd) for every create-router. */
    private static final Path SCRATCH = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm")
            : Path.of(System.getProperty("java.io.tmpdir"));

    @DictionaryEntries({"{\"verb\":\"", "\"args\":{", "create-router", "modify-router", "delete-router",
            "enable-router", "disable-router", "clear-router", "show-router", "create-service", "delete-service",
            "activate-service", "deactivate-service", "start-service", "stop-service", "update-service",
            "clear-service", "show-service", "show-cluster", "\"name\":", "\"vrid\":", "\"node\":",
            "\"nodes\":[", "\"properties\":{", "\"addresses\":[", "\\u0000", "\\n", "null", "1e999"})
    @FuzzTest(maxDuration = "10s")
    void session(final byte[] input) throws IOException {
        final Path configDir = Files.createTempDirectory(SCRATCH, "vrrpd-control-fuzz");
        try {
            final RecordingServiceAdmin admin = new RecordingServiceAdmin();
            admin.cluster = ServiceControlTest.threeNodes(); // what a running cluster answers
            final ControlHandler daemon = ControlVerbs.of(
                    RouterControl.open(new RouterStore(configDir), new FakeRuntime(), new ManualClock(0)),
                    new ServiceControl(admin, 2500, () -> 1_800_000_000_000L));
            // A RuntimeException out of a verb is what respond() answers as "internal error": caught here, not
            // recognised by its text (a refusal may quote the client's text, "internal error" included).
            final ControlHandler verbs = (verb, args) -> {
                try {
                    return daemon.handle(verb, args);
                } catch (RuntimeException e) {
                    throw new AssertionError("verb " + verb + " threw " + e + " for " + args, e);
                }
            };
            int start = 0;
            for (int lines = 0; lines < MAX_LINES && start <= input.length; lines++) {
                int end = start;
                while (end < input.length && input[end] != '\n') {
                    end++;
                }
                check(ControlConnection.respond(verbs, Arrays.copyOfRange(input, start, end)));
                start = end + 1;
            }
        } finally {
            try (Stream<Path> files = Files.walk(configDir)) {
                for (final Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static void check(final JsonNode response) throws IOException {
        assertTrue(response.isObject() && response.path("ok").isBoolean(), response.toString());
        JSON.writeValueAsBytes(response);
        if (!response.get("ok").booleanValue()) {
            final String error = response.path("error").asText();
            assertFalse(error.isBlank(), response.toString());
            assertFalse(error.contains("\n"), error);
        }
    }
}
