package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.ProcessRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** HookRunner: environment and order, per-router serialization, timeout kills, failures, threads. */
class HookRunnerTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private HookRunner hooks;

    @BeforeEach
    void setUp() {
        Log.to(new PrintStream(log, true, StandardCharsets.UTF_8));
        hooks = HookRunner.start();
    }

    @AfterEach
    void tearDown() {
        hooks.close();
        Log.to(System.err);
    }

    @Test
    void shouldRunHooksInTransitionOrderWithTheirEnvironment() throws Exception {
        final Path out = dir.resolve("out");
        final Path hook = script("hook", "echo \"$VRRPD_ROUTER $VRRPD_VRID $VRRPD_FAMILY $VRRPD_STATE"
                + " $VRRPD_PREVIOUS_STATE $VRRPD_ADMIN $VRRPD_ADDRESSES $VRRPD_REASON\" >> " + out);
        // Each queued once the one before ran: a hook queued behind another is skipped when a newer one follows.
        hooks.submit(job("web", "on_backup", hook, 5000, "BACKUP", "INIT", "online", "router started"));
        waitFor(() -> lines(out).size() == 1);
        hooks.submit(job("web", "on_master", hook, 5000, "MASTER", "BACKUP", "online", "master down timer fired"));
        waitFor(() -> lines(out).size() == 2);
        hooks.submit(job("web", "on_offline", hook, 5000, "INIT", "MASTER", "offline", "dependency unmet: tcp:x"));
        waitFor(() -> hooks.counts("web").runs() == 3 && lines(out).size() == 3);
        assertEquals(List.of(
                "web 51 inet BACKUP INIT online 192.0.2.100/24,192.0.2.101/32 router started",
                "web 51 inet MASTER BACKUP online 192.0.2.100/24,192.0.2.101/32 master down timer fired",
                "web 51 inet INIT MASTER offline 192.0.2.100/24,192.0.2.101/32 dependency unmet: tcp:x"), lines(out));
        assertEquals(0, hooks.counts("web").failures());
        assertTrue(logText().contains("<6>[web vrid 51 IPv4] hook on_master " + hook + " done (exit 0, "), logText());
    }

    @Test
    void shouldSkipAQueuedHookThatANewerStateChangeSupersededButNeverKillARunningOne() throws Exception {
        final Path out = dir.resolve("out");
        final Path slow = script("slow", "echo \"start $VRRPD_STATE\" >> " + out + "; sleep 0.5;"
                + " echo \"end $VRRPD_STATE\" >> " + out);
        // The router flaps while its first hook runs: BACKUP (runs), MASTER, BACKUP, MASTER (queued behind it).
        hooks.submit(job("web", "on_backup", slow, 5000, "BACKUP", "INIT", "online", "r"));
        waitFor(() -> lines(out).contains("start BACKUP"));
        hooks.submit(job("web", "on_master", slow, 5000, "MASTER", "BACKUP", "online", "r"));
        hooks.submit(job("web", "on_backup", slow, 5000, "BACKUP", "MASTER", "online", "r"));
        hooks.submit(job("web", "on_master", slow, 5000, "MASTER", "BACKUP", "online", "r"));
        waitFor(() -> lines(out).size() == 4);
        // The running one finished; the two outdated ones never started; the newest ran.
        assertEquals(List.of("start BACKUP", "end BACKUP", "start MASTER", "end MASTER"), lines(out));
        assertEquals(2, hooks.counts("web").runs());
        assertEquals(2, hooks.counts("web").superseded());
        assertTrue(logText().contains("<4>[web vrid 51 IPv4] hook on_master " + slow
                + " skipped: superseded by a newer state change before it started"), logText());
    }

    @Test
    void shouldRunOneRoutersHooksOneAtATimeAndRoutersInParallel() throws Exception {
        final Path out = dir.resolve("out");
        final Path slow = script("slow", "echo \"start $VRRPD_ROUTER $VRRPD_STATE\" >> " + out + "; sleep 0.4;"
                + " echo \"end $VRRPD_ROUTER $VRRPD_STATE\" >> " + out);
        final long start = System.nanoTime();
        hooks.submit(job("a", "on_backup", slow, 5000, "BACKUP", "INIT", "online", "r"));
        hooks.submit(job("a", "on_master", slow, 5000, "MASTER", "BACKUP", "online", "r"));
        hooks.submit(job("b", "on_master", slow, 5000, "MASTER", "INIT", "online", "r"));
        waitFor(() -> lines(out).size() == 6);
        final long millis = (System.nanoTime() - start) / 1_000_000L;
        final List<String> a = lines(out).stream().filter(l -> l.contains(" a ")).toList();
        assertEquals(List.of("start a BACKUP", "end a BACKUP", "start a MASTER", "end a MASTER"), a);
        assertTrue(millis < 1_150, "b ran beside a, not after it: " + millis + " ms");
    }

    @Test
    void shouldKillAHungHookAndTheChildItForkedAtTheTimeout() throws Exception {
        assertTrue(ProcessRunner.isolates(), "setsid is installed on the test hosts");
        final Path pidFile = dir.resolve("child.pid");
        final Path hung = script("hung", "sleep 60 & echo $! > " + pidFile + "; sleep 60");
        final long start = System.nanoTime();
        hooks.submit(job("web", "on_master", hung, 300, "MASTER", "BACKUP", "online", "r"));
        waitFor(() -> hooks.counts("web").timeouts() == 1);
        final long millis = (System.nanoTime() - start) / 1_000_000L;
        assertTrue(millis >= 300 && millis < 2_000, millis + " ms");
        final long child = Long.parseLong(Files.readString(pidFile).strip());
        waitFor(() -> !ProcessRunner.running(child));
        assertEquals(1, hooks.counts("web").failures());
        assertTrue(logText().contains("<4>[web vrid 51 IPv4] hook on_master " + hung + " timed out after 300 ms:"
                + " killed\n"), logText());
        // The router's next hook still runs.
        final Path out = dir.resolve("after");
        hooks.submit(job("web", "on_backup", script("ok", "echo ok > " + out), 5000, "BACKUP", "MASTER", "online", "r"));
        waitFor(() -> Files.exists(out));
    }

    @Test
    void shouldLogAndCountAFailingHookWithTheFirstLineOfItsOutput() throws Exception {
        final Path bad = script("bad", "echo 'no route to the VIP'; echo second; exit 3");
        hooks.submit(job("web", "on_backup", bad, 5000, "BACKUP", "INIT", "online", "r"));
        hooks.submit(job("web", "on_master", dir.resolve("missing"), 5000, "MASTER", "BACKUP", "online", "r"));
        waitFor(() -> hooks.counts("web").failures() == 2);
        assertEquals(2, hooks.counts("web").runs());
        assertEquals(0, hooks.counts("web").timeouts());
        assertTrue(logText().contains("<4>[web vrid 51 IPv4] hook on_backup " + bad
                + " failed: exit 3: no route to the VIP\n"), logText());
        assertTrue(logText().contains("<4>[web vrid 51 IPv4] hook on_master " + dir.resolve("missing")
                + " failed: does not exist\n"), logText());
        assertEquals(0, hooks.counts("other").runs());
        hooks.forget("web");
        assertEquals(0, hooks.counts("web").failures());
    }

    /**
     * Submitted from the real-time router loop, a hook neither blocks it nor runs on it: its process is not
     * SCHED_RR (policy 0 in /proc/PID/stat field 41), whatever the loop thread is.
     */
    @Test
    void shouldNeverRunOnOrBlockTheLoopThread() throws Exception {
        final Path out = dir.resolve("policy.out");
        final Path hook = script("policy", "sleep 0.3; awk '{print $41}' /proc/$$/stat > " + out);
        try (VrrpLoop loop = new VrrpLoop()) {
            loop.start();
            final long submitNanos = loop.call(() -> {
                final long t0 = System.nanoTime();
                for (int i = 0; i < 5; i++) {
                    hooks.submit(job("web", "on_master", hook, 5000, "MASTER", "BACKUP", "online", "r"));
                }
                return System.nanoTime() - t0;
            }, 5000);
            assertTrue(submitNanos < TimeUnit.MILLISECONDS.toNanos(50), "submit took " + submitNanos + " ns");
            waitFor(() -> Files.exists(out) && !read(out).isBlank());
        }
        assertEquals("0", read(out).strip(), "the hook process is SCHED_OTHER");
    }

    private HookRunner.Job job(final String router, final String hook, final Path program, final long timeoutMs,
                               final String state, final String previous, final String admin, final String reason) {
        final Map<String, String> env = new LinkedHashMap<>();
        env.put("VRRPD_ROUTER", router);
        env.put("VRRPD_VRID", "51");
        env.put("VRRPD_FAMILY", "inet");
        env.put("VRRPD_STATE", state);
        env.put("VRRPD_PREVIOUS_STATE", previous);
        env.put("VRRPD_ADMIN", admin);
        env.put("VRRPD_REASON", reason);
        env.put("VRRPD_ADDRESSES", "192.0.2.100/24,192.0.2.101/32");
        return new HookRunner.Job(router, "[" + router + " vrid 51 IPv4]", hook, program.toString(), timeoutMs, env);
    }

    private Path script(final String name, final String body) throws IOException {
        final Path path = dir.resolve(name);
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private String logText() {
        return log.toString(StandardCharsets.UTF_8);
    }

    private static List<String> lines(final Path file) {
        return Files.exists(file) ? read(file).lines().toList() : List.of();
    }

    private static String read(final Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static void waitFor(final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
