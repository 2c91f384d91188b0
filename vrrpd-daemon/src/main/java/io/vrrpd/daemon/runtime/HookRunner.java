package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.ProcessRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the routers' state-change hooks ({@code on_master}, {@code on_backup}, {@code on_offline}) off the
 * router loop. {@link #submit} only puts the job in a queue, so a transition never waits for a hook: the loop
 * is real-time and a hook may hang. A dispatcher thread, {@code vrrp-hooks}, chains each router's jobs so they
 * run one at a time in transition order (a queued hook whose router has changed state again before it started is
 * skipped: counted as superseded, logged); different routers' hooks run in parallel on {@code vrrp-hook-N}
 * threads. Every thread here is created by {@link #start}'s caller or by one of these threads, never by the
 * loop, so neither they nor the hook processes inherit the loop's SCHED_RR.
 *
 * <p>A hook runs through {@link ProcessRunner}: no arguments, stdin {@code /dev/null}, in a session of its
 * own, the {@code VRRPD_*} environment of {@link Job}; at its timeout it is killed with its whole session and
 * every descendant, logged {@code <4>[web vrid 51 IPv4] hook on_master /path timed out after N ms: killed}.
 * A non-zero exit is logged with the first line of its output.
 */
public final class HookRunner implements AutoCloseable {
    /** How long {@link #close} lets queued and running hooks finish before it kills them. */
    private static final long CLOSE_GRACE_MS = 5_000;

    /**
     * One hook run.
     *
     * @param router      the router's name (serialization key)
     * @param logPrefix   the router's log prefix, e.g. {@code [web vrid 51 IPv4]}
     * @param hook        {@code on_master}, {@code on_backup} or {@code on_offline}
     * @param program     the executable's absolute path
     * @param timeoutMs   killed after this long
     * @param environment the {@code VRRPD_*} variables
     */
    public record Job(String router, String logPrefix, String hook, String program, long timeoutMs,
                      Map<String, String> environment) {
    }

    /** A router's hook counters since the daemon started. */
    public static final class Counts {
        private final AtomicLong runs = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final AtomicLong timeouts = new AtomicLong();
        private final AtomicLong superseded = new AtomicLong();
        /** A stranger flapping the router can supersede hooks at its transition rate: a line a second. */
        private final LogLimit supersededLog = new LogLimit();

        /** Hooks started (or that could not start). */
        public long runs() {
            return runs.get();
        }

        /** Hooks that exited non-zero, timed out or could not be started. */
        public long failures() {
            return failures.get();
        }

        /** Hooks killed at their timeout (also counted as failures). */
        public long timeouts() {
            return timeouts.get();
        }

        /** Hooks skipped because a newer transition of the router was queued before they started. */
        public long superseded() {
            return superseded.get();
        }
    }

    private static final Counts NONE = new Counts();
    private static final Job STOP = new Job("", "", "", "", 0, Map.of());

    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();
    /**
     * The sequence number of each router's newest queued job (written by the dispatcher, read by the hook
     * threads): a job older than that when its turn comes describes a state the router has left.
     */
    private final Map<String, Long> newest = new ConcurrentHashMap<>();
    private long sequence;
    /** Dispatcher thread only: the last job of each router, the next one runs after it. */
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private final ExecutorService workers;
    private final Thread dispatcher;
    private volatile boolean closed;

    private HookRunner() {
        workers = Executors.newCachedThreadPool(Thread.ofPlatform().name("vrrp-hook-", 0).daemon(true).factory());
        dispatcher = Thread.ofPlatform().name("vrrp-hooks").daemon(true).unstarted(this::dispatch);
    }

    /** Starts the dispatcher on a thread created by the caller (a normal, non-real-time thread). */
    public static HookRunner start() {
        final HookRunner runner = new HookRunner();
        runner.dispatcher.start();
        return runner;
    }

    /** Queues a hook; never blocks, any thread (the router loop). Ignored after {@link #close}. */
    public void submit(final Job job) {
        if (!closed) {
            queue.offer(job);
        }
    }

    /** The counters of {@code router}; zeros when none of its hooks ran. */
    public Counts counts(final String router) {
        return counts.getOrDefault(router, NONE);
    }

    /** Forgets a deleted router's counters (a router created again under its name starts at zero). */
    public void forget(final String router) {
        counts.remove(router);
    }

    private void dispatch() {
        while (true) {
            final Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (job == STOP) {
                tails.values().forEach(CompletableFuture::join);
                return;
            }
            final CompletableFuture<Void> previous = tails.getOrDefault(job.router(),
                    CompletableFuture.completedFuture(null));
            final long number = ++sequence;
            newest.put(job.router(), number);
            // A job with nothing of its router before it starts now; one queued behind a running hook may be
            // superseded by the time its turn comes.
            final CompletableFuture<Void> next = previous.isDone()
                    ? CompletableFuture.runAsync(() -> guarded(job), workers)
                    : previous.thenRunAsync(() -> unlessSuperseded(job, number), workers);
            tails.put(job.router(), next);
            tails.values().removeIf(CompletableFuture::isDone);
        }
    }

    /**
     * Skips a hook whose router has changed state again since (an on_master queued behind a slow on_backup
     * would otherwise run long after the router stopped being Master); the newest one always runs. A hook
     * that already runs is never killed for this.
     */
    private void unlessSuperseded(final Job job, final long number) {
        final Long latest = newest.get(job.router());
        if (latest != null && latest > number) {
            final Counts count = counts.computeIfAbsent(job.router(), router -> new Counts());
            count.superseded.incrementAndGet();
            // The router's jobs run one after the other (a future chain): its limit is never used concurrently.
            count.supersededLog.warn(job.logPrefix() + " hook " + job.hook() + " " + job.program()
                    + " skipped: superseded by a newer state change before it started");
            return;
        }
        guarded(job);
    }

    /** A job that throws must not break its router's chain (the next one would be skipped). */
    private void guarded(final Job job) {
        try {
            run(job);
        } catch (RuntimeException e) {
            Log.error(job.logPrefix() + " hook " + job.hook() + " " + job.program() + ": " + e);
        }
    }

    /** Runs one hook to its end or its timeout. A hook thread. */
    private void run(final Job job) {
        // Counted after the log line, so whoever sees a count also finds the line.
        final Counts count = counts.computeIfAbsent(job.router(), router -> new Counts());
        count.runs.incrementAndGet();
        final String what = job.logPrefix() + " hook " + job.hook() + " " + job.program();
        final Path program = Path.of(job.program());
        if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
            Log.warn(what + " failed: " + (Files.exists(program) ? "not an executable file" : "does not exist"));
            count.failures.incrementAndGet();
            return;
        }
        final long start = System.nanoTime();
        final ProcessRunner.Outcome outcome;
        try {
            outcome = ProcessRunner.run(List.of(job.program()), job.environment(), job.timeoutMs());
        } catch (IOException e) {
            Log.warn(what + " failed: cannot run it: " + e.getMessage());
            count.failures.incrementAndGet();
            return;
        } catch (InterruptedException e) {
            Log.warn(what + " was killed: vrrpd is stopping");
            count.failures.incrementAndGet();
            Thread.currentThread().interrupt();
            return;
        }
        if (outcome.timedOut()) {
            Log.warn(what + " timed out after " + job.timeoutMs() + " ms: killed");
            count.failures.incrementAndGet();
            count.timeouts.incrementAndGet();
        } else if (outcome.exitCode() != 0) {
            Log.warn(what + " failed: exit " + outcome.exitCode()
                    + (outcome.firstLine().isEmpty() ? "" : ": " + outcome.firstLine()));
            count.failures.incrementAndGet();
        } else {
            Log.info(what + " done (exit 0, " + (System.nanoTime() - start) / 1_000_000L + " ms)");
        }
    }

    /**
     * Stops taking jobs, lets queued and running hooks finish for up to 5 s, then kills what still runs (the
     * interrupt makes {@link ProcessRunner} kill the hook's session).
     */
    @Override
    public void close() {
        closed = true;
        queue.offer(STOP);
        try {
            dispatcher.join(CLOSE_GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.interrupt();
        workers.shutdownNow();
        try {
            workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
