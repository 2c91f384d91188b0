package io.vrrpd.cli.doctor;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The doctor's external commands (nft, iptables-save) are real processes, bounded in time. */
class DoctorCommandTest {

    /**
     * A command that hangs (here a real `sleep 30`, standing for an nft stuck on a huge ruleset) is killed after its
     * bound and reported as hung, with what was run and the bound: the doctor goes on with its other checks.
     */
    @Test
    void aHungCommandIsKilledAfterItsBoundAndSaidSo() throws Exception {
        final long start = System.nanoTime();
        final Doctor.Command hung = Doctor.command(300, "sleep", "30");
        final long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(hung.hung(), hung.toString());
        assertEquals("sleep 30 did not answer within 300 ms", hung.output());
        assertTrue(tookMillis < 10_000, "returned after " + tookMillis + " ms, not after the command's 30 s");
        boolean gone = false;
        for (int i = 0; i < 40 && !gone; i++) { // the reaper thread collects the killed process: up to 2 s
            gone = ProcessHandle.current().children().noneMatch(p -> p.info().command().orElse("").endsWith("sleep"));
            if (!gone) {
                Thread.sleep(50);
            }
        }
        assertTrue(gone, "the hung process was killed");
    }

    @Test
    void aCommandThatAnswersIsNotHung_andAMissingOneIsMissing() {
        final Doctor.Command echo = Doctor.command(10_000, "echo", "ruleset");
        assertFalse(echo.hung());
        assertEquals(0, echo.status());
        assertEquals("ruleset\n", echo.output());
        assertTrue(Doctor.command(10_000, "/nonexistent/nft").missing());
    }
}
