package io.vrrpd.sim;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorMainTest {

    /** Exit status, stdout and stderr of one run. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = SimulatorMain.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("The demonstration shows every phase, all three router kinds, the measured gaps and a summary")
    void shouldPrintEveryPhase() {
        final Run run = run();

        assertEquals(0, run.status());
        for (final String expected : new String[] {"== 1. Election ==", "== 2. Crash of the Master ==",
                "== 3. Graceful stop", "== 4. Restart and preemption ==", "== 5. Partition and heal ==",
                "== 6. Priority change", "== Summary ==", "vrid  51 IPv4", "vrid  52 IPv6", "VRRPv2",
                "r2 took over 3.414", "Skew_Time = (256 - 100) x 1 s / 256 = 0.609375 s", "two Masters: heard",
                "Masters during the partition: r1 (prio 200), r2 (prio 150)", "master conflicts: 1"}) {
            assertTrue(run.out().contains(expected), () -> "missing '" + expected + "' in\n" + run.out());
        }
    }

    @Test
    @DisplayName("The same seed prints the same output; another seed and loss change it")
    void shouldRepeatForASeed() {
        assertEquals(run("--seed", "9").out(), run("--seed", "9").out());
        assertNotEquals(run("--seed", "9").out(), run("--seed", "10", "--loss", "0.2").out());
    }

    @Test
    @DisplayName("--help prints usage; a bad option fails with one line naming the allowed values")
    void shouldExplainItsOptions() {
        assertTrue(run("--help").out().contains("--loss P"));
        final Run bad = run("--loss", "2");
        assertEquals(2, bad.status());
        assertEquals("SimulatorMain: --loss: '2' is not a probability (allowed: 0-1, e.g. 0.1)",
                bad.err().strip());
        assertEquals(2, run("--seed").status());
        assertEquals(2, run("--verbose").status());
    }
}
