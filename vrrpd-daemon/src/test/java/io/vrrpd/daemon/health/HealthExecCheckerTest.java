package io.vrrpd.daemon.health;

import io.vrrpd.linux.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exec checker with shell scripts in a temporary directory. */
class HealthExecCheckerTest {
    @TempDir
    Path dir;

    private Path script(final String name, final String body) throws IOException {
        final Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    @Test
    void shouldBeHealthyWhenTheProgramExitsZero() throws Exception {
        assertEquals(CheckResult.healthy("exit 0"), new ExecChecker(script("ok", "echo fine; exit 0")).check(2000));
    }

    @Test
    void shouldReportTheExitStatusAndFirstLine() throws Exception {
        final Path check = script("lag", "echo >&2\necho 'replica lag 30 s' >&2\necho second line\nexit 1");
        assertEquals(CheckResult.failing("exit 1: replica lag 30 s"), new ExecChecker(check).check(2000));
        assertEquals(CheckResult.failing("exit 3"), new ExecChecker(script("quiet", "exit 3")).check(2000));
    }

    @Test
    void shouldReportAMissingOrNonExecutableProgram() throws Exception {
        assertEquals(CheckResult.failing(dir.resolve("none") + " does not exist"),
                new ExecChecker(dir.resolve("none")).check(1000));
        final Path plain = dir.resolve("plain");
        Files.writeString(plain, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-------"));
        // root may read and write anything, but not run a file nobody may execute
        assertEquals(CheckResult.failing(plain + " is not executable"), new ExecChecker(plain).check(1000));
    }

    @Test
    void shouldKillAHangingProgramAndItsForkedChildAtTheTimeout() throws Exception {
        final Path check = script("hang", "sleep 300 &\necho $! > " + dir.resolve("child.pid") + "\necho $$ > "
                + dir.resolve("parent.pid") + "\nwait");
        final long start = System.nanoTime();
        final CheckResult result = new ExecChecker(check).check(500);
        final long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(CheckResult.failing("timed out after 500 ms"), result);
        assertTrue(tookMillis >= 450 && tookMillis < 2500, "took " + tookMillis + " ms");
        assertGone(pid("parent.pid"));
        assertGone(pid("child.pid"));
    }

    @Test
    void shouldKillAChildThatStartedASessionOfItsOwn() throws Exception {
        final Path check = script("escape", "setsid sleep 300 &\necho $! > " + dir.resolve("child.pid")
                + "\nsleep 300");
        assertEquals(CheckResult.failing("timed out after 500 ms"), new ExecChecker(check).check(500));
        assertGone(pid("child.pid"));
    }

    @Test
    void shouldKillTheProgramWhenTheCheckIsAbandoned() throws Exception {
        final Path check = script("hang", "sleep 300 &\necho $! > " + dir.resolve("child.pid") + "\nwait");
        final CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        final Thread worker = Thread.ofVirtual().start(() -> {
            try {
                new ExecChecker(check).check(60_000);
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(dir.resolve("child.pid")) || Files.readString(dir.resolve("child.pid")).isBlank()) {
            assertTrue(System.nanoTime() < deadline, "the script did not start");
            Thread.sleep(10);
        }
        worker.interrupt();
        assertTrue(thrown.get(10, TimeUnit.SECONDS) instanceof InterruptedException);
        assertGone(pid("child.pid"));
    }

    @Test
    void shouldRunTheProgramInASessionOfItsOwn() throws Exception {
        assertTrue(ProcessRunner.isolates(), "setsid is installed on the test hosts");
        final Path check = script("session", "ps -o sid= -p $$ | tr -d ' ' > " + dir.resolve("sid") + "\necho $$ > "
                + dir.resolve("pid"));
        assertTrue(new ExecChecker(check).check(2000).ok());
        assertEquals(Files.readString(dir.resolve("pid")).strip(), Files.readString(dir.resolve("sid")).strip());
    }

    private long pid(final String file) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve(file)).strip());
    }

    /** The process does not exist or is a zombie waiting for init: it does not run. */
    private static void assertGone(final long pid) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (ProcessRunner.running(pid) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(ProcessRunner.running(pid), "process " + pid + " still runs");
    }

    @Test
    void shouldStopAtOnceWhenAlreadyInterrupted() {
        assertThrows(InterruptedException.class, () -> {
            Thread.currentThread().interrupt();
            new ExecChecker(script("ok2", "exit 0")).check(2000);
        });
    }
}
