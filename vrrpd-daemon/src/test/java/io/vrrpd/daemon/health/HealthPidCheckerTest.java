package io.vrrpd.daemon.health;

import io.vrrpd.linux.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pid checker with real processes. */
class HealthPidCheckerTest {
    @TempDir
    Path dir;

    @Test
    void shouldFollowAProcessFromItsPidFile() throws Exception {
        final Process process = new ProcessBuilder("sleep", "60").start();
        final Path file = dir.resolve("sleep.pid");
        Files.writeString(file, process.pid() + "\n");
        final PidChecker checker = new PidChecker(file);
        try {
            assertEquals(CheckResult.healthy("process " + process.pid() + " is running"), checker.check(500));
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(CheckResult.failing("process " + process.pid() + " is not running"), checker.check(500));
    }

    @Test
    void shouldFollowAProcessByName() throws Exception {
        // A copy of sleep under a name nothing else on the host has (comm is the program's file name).
        final String name = "vt" + ProcessHandle.current().pid() % 1_000_000_000L;
        final Path program = dir.resolve(name);
        Files.copy(Path.of("/bin/sleep"), program);
        program.toFile().setExecutable(true);
        final ProcessNameChecker checker = new ProcessNameChecker(name);
        assertEquals(CheckResult.failing("no process named " + name + " is running"), checker.check(500));
        final Process process = new ProcessBuilder(program.toString(), "60").start();
        try {
            assertEquals(CheckResult.healthy("process " + name + " is running (pid " + process.pid() + ")"),
                    checker.check(500));
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(CheckResult.failing("no process named " + name + " is running"), checker.check(500));
    }

    @Test
    void shouldFailOnAZombie() throws Exception {
        // The shell starts a child and becomes 'sleep', which never reaps it: the child stays a zombie.
        final Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 60").start();
        try {
            final long zombie;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
                zombie = Long.parseLong(out.readLine().strip());
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!"Z".equals(state(zombie)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            final Path file = dir.resolve("zombie.pid");
            Files.writeString(file, Long.toString(zombie));
            assertEquals(CheckResult.failing("process " + zombie + " is a zombie"), new PidChecker(file).check(500));
        } finally {
            parent.destroyForcibly();
            parent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String state(final long pid) {
        final String[] fields = ProcessRunner.statFields(pid);
        return fields == null ? null : fields[0];
    }

    @Test
    void shouldFailOnAMissingOrBrokenPidFile() throws Exception {
        final Path missing = dir.resolve("missing.pid");
        assertEquals(CheckResult.failing("pid file " + missing + " does not exist"), new PidChecker(missing).check(500));
        for (final String text : new String[] {"", "nginx\n", "-1", "0", "12345678901234567890123"}) {
            final Path file = dir.resolve("broken.pid");
            Files.writeString(file, text);
            assertEquals(CheckResult.failing("pid file " + file + " holds no pid"), new PidChecker(file).check(500),
                    text);
        }
        final Path huge = dir.resolve("huge.pid");
        Files.writeString(huge, "1".repeat(100_000));
        assertTrue(new PidChecker(huge).check(500).reason().endsWith("holds no pid"));
    }
}
