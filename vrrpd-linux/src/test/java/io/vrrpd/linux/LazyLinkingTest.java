package io.vrrpd.linux;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario: vrrpd's start takes the namespace lock and checks its signals before the control socket (issue 12).
 * Expected: only the downcalls those calls make are linked (their holder classes loaded), not every handle of
 * {@link Sockets}, {@link SignalFd} or {@link Signals} — each link spins classes at run time, on the start path.
 * In a fresh JVM: this one's test classes have already linked everything.
 */
class LazyLinkingTest {

    /** What the child JVM runs: the start path's calls, then exits. */
    public static final class StartPath {
        public static void main(final String[] args) throws Exception {
            try (NamespaceLock lock = NamespaceLock.tryAcquire("vrrpd-lazy-linking-test-" + ProcessHandle.current().pid())
                    .orElseThrow()) {
                SignalFd.blocked(Signals.SIGTERM);
                Signals.ignored(Signals.SIGHUP);
            }
        }
    }

    @Test
    void theStartPathLinksOnlyTheDowncallsItMakes() throws IOException, InterruptedException {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process child = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-Xlog:disable", "-Xlog:class+load=info:stdout:none", "-cp", System.getProperty("java.class.path"),
                StartPath.class.getName()).redirectErrorStream(true).start();
        final String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM ended");
        assertEquals(0, child.exitValue(), output);
        final Set<String> holders = output.lines()
                .map(line -> line.split(" ")[0])
                .filter(name -> name.matches("io\\.vrrpd\\.linux\\.(Sockets|SignalFd|Signals)\\$[A-Za-z]+"))
                .collect(Collectors.toSet());
        assertTrue(holders.containsAll(List.of("io.vrrpd.linux.Sockets$Socket", "io.vrrpd.linux.Sockets$Bind",
                "io.vrrpd.linux.Sockets$Close", "io.vrrpd.linux.SignalFd$PthreadSigmask",
                "io.vrrpd.linux.Signals$Sigaction")), holders::toString);
        for (final String unused : List.of("Sockets$Sendmsg", "Sockets$Recvmsg", "Sockets$Sendto", "Sockets$Poll",
                "Sockets$Setsockopt", "Sockets$Getsockopt", "Sockets$IfNametoindex", "SignalFd$Signalfd",
                "SignalFd$Read", "Signals$Signal")) {
            assertFalse(holders.contains("io.vrrpd.linux." + unused), unused + " was linked: " + holders);
        }
    }
}
