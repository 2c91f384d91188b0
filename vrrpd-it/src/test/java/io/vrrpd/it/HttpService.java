package io.vrrpd.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service a dependency checks: {@code python3 -m http.server} bound to ADDRESS:PORT in a lab host, serving
 * "served by HOST". Started and stopped by the test (SIGTERM to its own pid); the lab ends it at the latest.
 */
final class HttpService {
    private final Lab lab;
    private final String host;
    private final String address;
    private final int port;
    private Process process;

    HttpService(final Lab lab, final String host, final String address, final int port) {
        this.lab = lab;
        this.host = host;
        this.address = address;
        this.port = port;
    }

    /** The directory it serves (index.html, and whatever a test puts there). */
    Path dir() {
        return lab.work().resolve("www-" + host + "-" + port);
    }

    /** Starts it and waits until it listens. */
    HttpService start() throws IOException {
        final Path dir = dir();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "served by " + host + "\n");
        process = new ProcessBuilder("ip", "netns", "exec", lab.ns(host), "python3", "-m", "http.server", "-b",
                address, "-d", dir.toString(), "" + port).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("http.log").toFile())).start();
        lab.track(process);
        final String local = address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
        Wait.until(Duration.ofSeconds(5), "http.server on " + host + " listening on " + local,
                () -> lab.inNs(host, "ss", "-Hltn", "src", local).out(), out -> out.contains(local));
        return this;
    }

    /** The service fails: SIGTERM to its pid, waited for. */
    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            assertTrue(process.waitFor(5, TimeUnit.SECONDS), "http.server on " + host + " stopped");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }
}
