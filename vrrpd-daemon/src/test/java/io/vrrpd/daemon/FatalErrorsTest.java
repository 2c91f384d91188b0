package io.vrrpd.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FatalErrorsTest {

    @Test
    void anErrorInAnyThreadEndsTheProcessWithItsOwnStatusAndOneLine() throws Exception {
        // A real JVM: a worker thread overflows its stack while main would run on for 30 s and exit 0.
        final Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!child.waitFor(20, TimeUnit.SECONDS)) {
            child.destroyForcibly(); // our own child, by its handle
            throw new AssertionError("the process still runs 20 s after its thread died of an Error");
        }
        final String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(FatalErrors.EXIT_STATUS, child.exitValue(), err);
        final List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.getFirst().startsWith("<2>vrrpd: fatal: java.lang.StackOverflowError in thread router-loop;"
                + " exiting with status 70"), err);
    }

    @Test
    void anOutOfMemoryErrorHaltsAndAnExceptionIsOnlyLogged() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final AtomicInteger halted = new AtomicInteger(-1);
        final Thread.UncaughtExceptionHandler handler = FatalErrors.handler(err, halted::set);
        final Thread t = Thread.ofPlatform().name("cluster-events-h1").unstarted(() -> { });

        handler.uncaughtException(t, new IllegalStateException("a bug"));
        assertEquals(-1, halted.get(), "an exception ends its thread, not the process");

        handler.uncaughtException(t, new OutOfMemoryError("Cannot reserve 1073741828 bytes of direct buffer memory"));
        assertEquals(70, halted.get());
        assertEquals("<2>vrrpd: fatal: java.lang.OutOfMemoryError: Cannot reserve 1073741828 bytes of direct buffer"
                + " memory in thread cluster-events-h1; exiting with status 70 (the supervisor takes the addresses"
                + " down and restarts vrrpd)\n", bytes.toString(StandardCharsets.UTF_8));
    }

    /** The child process of the first test. */
    static final class Child {
        private Child() {
        }

        public static void main(final String[] args) throws InterruptedException {
            FatalErrors.install();
            Thread.ofPlatform().name("router-loop").start(() -> recurse(0));
            Thread.sleep(30_000);
        }

        private static long recurse(final long depth) {
            return recurse(depth + 1) + 1;
        }
    }
}
