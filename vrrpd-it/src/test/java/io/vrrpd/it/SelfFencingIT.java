package io.vrrpd.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Self-fencing with real processes (issue 10, items 2, 3 and 7), on one lab of three hosts and one {@code exec}
 * service that ignores SIGTERM and writes a line per start ({@code NODE PID WALL_MS}): the copy on the host that
 * may no longer hold the service is dead before another host starts its own — (a) its daemon frozen with SIGSTOP
 * for 6 s (the fence guard, outside the JVM, kills the service's cgroup at the lease deadline), (b) that host cut
 * off (the daemon's own fence: addresses off, a stop that SIGTERM does not end, SIGKILL of the cgroup at the
 * deadline), (c) its daemon SIGKILLed (the guard sees its pipe close and kills the cgroup; the restarted daemon
 * finds nothing left and reports stopped). bin/vrrpd's own crash guard is off: the fence guard alone does it.
 */
class SelfFencingIT extends LabScenario {
    private static final List<String> HOSTS = List.of("h1", "h2", "h3");
    private static final String VIP_PREFIX = "192.0.2.60/24";
    /** fencing_delay: 2 s (the suspicion check V is 250 ms with the default failure timeout). */
    private static final long FENCING_MS = 2000;
    private static final long V_MS = 250;
    private static final Duration FORM = Duration.ofSeconds(30);
    private static final Duration MOVE = Duration.ofSeconds(20);

    private Path dir;
    private final List<Long> pids = new ArrayList<>();

    @Override
    int hostCount() {
        return 3;
    }

    @AfterEach
    void endLeftovers() {
        Lab.parallel(lab.daemons(), Daemon::ensureStopped);
        // Only what this test started: the pids its service wrote (a failed test's copies).
        for (final long pid : pids) {
            ProcessHandle.of(pid).filter(h -> h.info().command().map(c -> c.endsWith("sleep")).orElse(false))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
        for (final String host : HOSTS) {
            if (lab.addresses(host, "eth0").contains(VIP_PREFIX)) {
                Cmd.exec("ip", "-n", lab.ns(host), "addr", "del", VIP_PREFIX, "dev", "eth0");
            }
        }
    }

    /** One start of the service: where, its pid, when (wall clock, ms). */
    private record Start(String node, long pid, long wallMillis) {
    }

    private List<Start> starts() {
        final List<Start> result = new ArrayList<>();
        try {
            for (final String line : Files.readAllLines(dir.resolve("starts"))) {
                final String[] f = line.strip().split(" ");
                if (f.length == 3) {
                    result.add(new Start(f[0], Long.parseLong(f[1]), Long.parseLong(f[2])));
                }
            }
        } catch (IOException e) {
            // not yet written
        }
        return result;
    }

    private Start awaitStart(final int count) {
        final List<Start> all = Wait.until(MOVE, "start number " + count + " of the service", this::starts,
                s -> s.size() >= count);
        final Start start = all.get(count - 1);
        pids.add(start.pid());
        return start;
    }

    /**
     * Whether {@code pid} still runs: a zombie does not (killed, not yet reaped — the command's parent is the frozen
     * daemon, which reaps it only when it thaws; a zombie holds no port and runs no code).
     */
    private static boolean running(final long pid) {
        try {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            final char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Completes with the wall-clock millisecond at which {@code pid} was seen gone (polled every 2 ms, 30 s max). */
    private static CompletableFuture<Long> deathOf(final long pid) {
        final CompletableFuture<Long> dead = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            final long end = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < end) {
                if (!running(pid)) {
                    dead.complete(System.currentTimeMillis());
                    return;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
            dead.complete(Long.MAX_VALUE);
        });
        return dead;
    }

    @Test
    void frozenCutOffAndKilledDaemons_theirCopyIsDeadBeforeAnotherStarts() throws Exception {
        dir = Files.createTempDirectory(lab.work(), "fencing-");
        ClusterSetup.configure(lab, HOSTS, FENCING_MS);
        HOSTS.forEach(h -> d(h).noGuard());
        lab.startDaemons(HOSTS.toArray(String[]::new));
        awaitView(HOSTS, HOSTS);
        lab.vrrpadmOk("h1", "create-service", "-t", "exec", "-a", VIP_PREFIX, "-l", "eth0", "-c", "1000", "-P",
                "command=echo \"$VRRPD_NODE $$ $(date +%s%3N)\" >> " + dir + "/starts; trap '' TERM; exec sleep 1000",
                "web");
        lab.vrrpadmOk("h2", "activate-service", "-n", "h1,h2,h3", "web");
        lab.vrrpadmOk("h3", "start-service", "web");
        final Start first = awaitStart(1);
        assertTrue(cgroupOf(first.pid()).endsWith("/vrrpd-" + first.node() + "/web"),
                "the command runs in its service's cgroup: " + cgroupOf(first.pid()));

        // (a) The started host's daemon frozen for 6 s: the fence guard kills the copy at the lease deadline.
        final CompletableFuture<Long> firstDeath = deathOf(first.pid());
        final long frozen = System.currentTimeMillis();
        Cmd.exec("kill", "-STOP", Long.toString(d(first.node()).pid()));
        final Start second;
        try {
            second = awaitStart(2);
        } finally {
            final long left = 6_000 - (System.currentTimeMillis() - frozen);
            if (left > 0) {
                Thread.sleep(left);
            }
            Cmd.exec("kill", "-CONT", Long.toString(d(first.node()).pid()));
        }
        final long deadA = firstDeath.get();
        System.out.printf("[measure] SIGSTOP of %s's vrrpd: its copy dead after %d ms, %s started its own after %d ms"
                + " (V + F = %d ms)%n", first.node(), deadA - frozen, second.node(), second.wallMillis() - frozen,
                V_MS + FENCING_MS);
        assertTrue(!second.node().equals(first.node()), "started elsewhere: " + second);
        assertTrue(deadA < second.wallMillis(), "the frozen host's copy died (" + (deadA - frozen) + " ms) before "
                + second.node() + " started its own (" + (second.wallMillis() - frozen) + " ms)");
        awaitView(HOSTS, HOSTS);
        final Start holderB = settledHolder();
        pids.add(holderB.pid());

        // (b) The holder cut off, its copy ignores SIGTERM: its own fence kills it at the deadline, before the start.
        final CompletableFuture<Long> secondDeath = deathOf(holderB.pid());
        final long cut = System.currentTimeMillis();
        final int startsBeforeCut = starts().size();
        lab.carrier(holderB.node(), false);
        final Start afterCut;
        try {
            afterCut = awaitStart(startsBeforeCut + 1);
        } finally {
            lab.carrier(holderB.node(), true);
        }
        final long deadB = secondDeath.get();
        System.out.printf("[measure] %s cut off: its SIGTERM-ignoring copy dead after %d ms, %s started its own after"
                + " %d ms%n", holderB.node(), deadB - cut, afterCut.node(), afterCut.wallMillis() - cut);
        assertTrue(deadB < afterCut.wallMillis(), "the cut-off copy died (" + (deadB - cut) + " ms) before "
                + afterCut.node() + " started its own (" + (afterCut.wallMillis() - cut) + " ms)");
        assertTrue(deadB - cut < V_MS + FENCING_MS, "dead within V + F of the cut: " + (deadB - cut) + " ms");
        awaitView(HOSTS, HOSTS);
        final Start third = settledHolder();
        pids.add(third.pid());

        // (c) The holder's daemon SIGKILLed: the fence guard kills the copy at once; the restarted daemon finds
        // nothing left behind and reports stopped.
        final Path thirdCgroup = cgroup2Mount().resolve(cgroupOf(third.pid()).substring(1));
        final CompletableFuture<Long> thirdDeath = deathOf(third.pid());
        final long killed = System.currentTimeMillis();
        d(third.node()).kill();
        final long deadC = thirdDeath.get();
        System.out.printf("[measure] SIGKILL of %s's vrrpd: its copy dead after %d ms%n", third.node(), deadC - killed);
        assertTrue(deadC - killed < 2_000, "the command died with its daemon: " + (deadC - killed) + " ms");
        d(third.node()).start();
        awaitView(HOSTS, HOSTS);
        Wait.until(MOVE, third.node() + " reports web stopped", () -> nodeState(third.node(), third.node()),
                "stopped"::equals);
        assertEquals("", Files.readString(thirdCgroup.resolve("cgroup.procs")).strip(),
                "nothing orphaned in " + thirdCgroup);
        Wait.until(MOVE, "one copy running", () -> alive().size() == 1);
    }

    /** The cgroup2 path of {@code pid} (the {@code 0::} line of /proc/PID/cgroup). */
    private static String cgroupOf(final long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
                .filter(l -> l.startsWith("0::")).map(l -> l.substring(3).strip()).findFirst().orElse("");
    }

    /** Where cgroup2 is mounted (/sys/fs/cgroup on Debian 12, /sys/fs/cgroup/unified on a hybrid host). */
    private static Path cgroup2Mount() throws IOException {
        for (final String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            final int dash = line.indexOf(" - ");
            if (dash > 0 && line.substring(dash + 3).startsWith("cgroup2 ")) {
                return Path.of(line.substring(0, dash).split(" ")[4]);
            }
        }
        throw new AssertionError("no cgroup2 mounted");
    }

    /**
     * The one running copy, once the cluster has settled (one copy alive and shown started on its host, unchanged
     * for 3 s); fails if two copies ever run at once meanwhile.
     */
    private Start settledHolder() {
        final long[] since = {System.nanoTime()};
        final long[] seen = {-1};
        return Wait.until(MOVE, "one copy of web, settled for 3 s", () -> {
            final List<Start> running = starts().stream().filter(s -> running(s.pid())).toList();
            assertTrue(running.size() <= 1, "two copies at once: " + running);
            if (running.size() != 1 || !"started".equals(nodeState(running.getFirst().node(),
                    running.getFirst().node()))) {
                seen[0] = -1;
                return null;
            }
            if (running.getFirst().pid() != seen[0]) {
                seen[0] = running.getFirst().pid();
                since[0] = System.nanoTime();
            }
            return System.nanoTime() - since[0] >= 3_000_000_000L ? running.getFirst() : null;
        }, java.util.Objects::nonNull);
    }

    private Set<Long> alive() {
        final Set<Long> result = new TreeSet<>();
        for (final Start s : starts()) {
            if (running(s.pid())) {
                result.add(s.pid());
            }
        }
        return result;
    }

    private String nodeState(final String via, final String node) {
        final JsonNode all = d(via).control().call("show-service",
                JsonNodeFactory.instance.objectNode().put("name", "web"));
        for (final JsonNode row : all.get(0).path("nodes")) {
            if (row.path("node").asText().equals(node)) {
                return row.path("state").asText();
            }
        }
        return "";
    }

    private void awaitView(final List<String> askHosts, final List<String> up) {
        Wait.until(FORM, "hosts " + askHosts + " to see " + up + " up in one quorate view", () -> {
            final Set<String> views = new TreeSet<>();
            for (final String host : askHosts) {
                final Set<String> upHere = new TreeSet<>();
                for (final JsonNode row : d(host).control().call("show-cluster", JsonNodeFactory.instance.objectNode())) {
                    if (row.path("status").asText().equals("up") && row.path("quorum").asText().equals("yes")) {
                        upHere.add(row.path("node").asText());
                        views.add(row.path("view").asText());
                    }
                }
                if (!upHere.equals(new TreeSet<>(up))) {
                    return false;
                }
            }
            return views.size() == 1;
        });
    }
}
