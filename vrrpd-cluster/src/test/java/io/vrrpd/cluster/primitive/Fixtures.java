package io.vrrpd.cluster.primitive;

import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.protocol.IpPrefix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Specs, invocations and scripts for the primitive tests. */
final class Fixtures {
    /** Short limits so the timeout tests stay fast; the others finish long before them. */
    static final Timeouts FAST = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(300));

    private Fixtures() {
    }

    static ServiceSpec spec(final String name, final String type, final Map<String, String> properties) {
        return new ServiceSpec(name, type, List.of(), null, 0, new TreeMap<>(properties));
    }

    static ServiceSpec spec(final String name, final String type, final String link, final List<String> addresses,
                            final Map<String, String> properties) {
        return new ServiceSpec(name, type, addresses.stream().map(IpPrefix::parse).toList(), link, 0,
                new TreeMap<>(properties));
    }

    static Invocation plain() {
        return new Invocation("n1", List.of("n1", "n2"), null, null);
    }

    static Invocation inState(final ServiceState state) {
        return new Invocation("n1", List.of("n1", "n2"), null, state);
    }

    static Invocation withPeer(final String peer) {
        return new Invocation("n1", List.of("n1", "n2", peer), peer, null);
    }

    /** Writes an executable {@code /bin/sh} script. */
    static Path script(final Path dir, final String name, final String... lines) throws IOException {
        final Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + String.join("\n", Arrays.asList(lines)) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Waits (bounded) until {@code pid} is gone; true when it is. */
    static boolean gone(final long pid, final Duration within) throws InterruptedException {
        final long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(h -> !io.vrrpd.linux.ProcessRunner.running(pid)).orElse(true)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
