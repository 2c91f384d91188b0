package io.vrrpd.daemon.health;

import io.vrrpd.daemon.config.Dependency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The health checks of every router of the daemon (one monitor per daemon). A router's dependencies are
 * checked periodically, off the router loop, and the router hears about its {@link Health} only when it
 * changes.
 *
 * <p><b>Threads.</b> The monitor's state lives on one thread of its own ({@code vrrp-health}); each run of a
 * check runs on a virtual thread, one run at a time per dependency, and hands its result back to that
 * thread. {@link #watch}, {@link #unwatch}, {@link #clearFlapping} and {@link #close} may be called from any
 * thread (the router loop) and return at once: they are carried out on the monitor's thread in call order.
 *
 * <p><b>Timing</b> (per dependency, from its SPEC, {@link Dependency}): a run starts every
 * {@code interval}, the first one as soon as the router is watched. A run still going at {@code timeout}
 * counts as a failure, {@code timed out after N ms}, and its thread is interrupted (an {@code exec} program
 * is killed with its process group). One overrun is one failure: a run interrupted at its timeout gets one
 * interval from then to end (an exec program's session being killed on a loaded host) before it counts again, and
 * the next run starts as soon as it has ended. A run that does not stop within that is never run twice: while
 * it hangs, every interval counts another failure and no new run starts, so a stuck check costs one thread.
 *
 * <p><b>Verdicts</b> ({@link CheckState}): {@code fall} failures in a row make a dependency failing,
 * {@code rise} successes in a row make it healthy; before that it is unknown, which counts as unmet.
 * <b>Flapping</b>: when one hard dependency changes between healthy and failing more than
 * {@link Settings#flapChanges} times within {@link Settings#flapWindow}, the router's health says
 * {@code flapping} (the router goes to maintenance) until {@link #clearFlapping}.
 *
 * <p><b>Hitless changes.</b> Watching a router again (its {@code --depends} changed) keeps what is known: a
 * dependency equal to one it had keeps its verdict and its running check; one with the same label and other
 * options ({@code @interval=}, {@code fall=} …) keeps its verdict and counters until its next runs, which start at
 * once; a new one added to a router that is running starts pending, presumed met until it has failed
 * {@code fall} times in a row (see {@link CheckState}). Only a failing check takes a running router down.
 *
 * <p><b>Listener.</b> Called on the monitor's thread, for one router in order: first, right after
 * {@link #watch}, with the health at that moment (dependencies not checked yet are unmet, unless added to a
 * running router; those kept from the previous watch of the router keep their verdict), then on every change. Never after {@link #unwatch}
 * was carried out. It must not block (post to the router loop); the last call it received is the router's
 * current health.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());
    private static final long CLOSE_WAIT_MS = 5_000;

    /** Told about a router's health when it changes. */
    @FunctionalInterface
    public interface Listener {
        void healthChanged(String router, Health health);
    }

    /**
     * Monitor-wide settings.
     *
     * @param flapChanges a hard dependency changing state more than this many times within
     *                    {@code flapWindow} makes its router flap
     * @param flapWindow  the window of the flapping count
     */
    public record Settings(int flapChanges, Duration flapWindow) {
        /** More than 5 changes within 60 s. */
        public static final Settings DEFAULT = new Settings(5, Duration.ofSeconds(60));

        public Settings {
            if (flapChanges < 1 || flapWindow == null || flapWindow.isNegative() || flapWindow.isZero()) {
                throw new IllegalArgumentException("flapping: more than " + flapChanges + " changes within "
                        + flapWindow + " (allowed: at least 1 change, a positive window)");
            }
        }
    }

    private final Scheduler scheduler;
    private final Executor runner;
    private final Function<Dependency, Checker> checkers;
    private final Settings settings;
    private final AutoCloseable resources;
    /** Monitor thread only. */
    private final Map<String, Watch> watches = new HashMap<>();
    private volatile boolean closed;

    HealthMonitor(final Scheduler scheduler, final Executor runner, final Function<Dependency, Checker> checkers,
                  final Settings settings, final AutoCloseable resources) {
        this.scheduler = scheduler;
        this.runner = runner;
        this.checkers = checkers;
        this.settings = settings;
        this.resources = resources;
    }

    /** A monitor with the default flapping settings, its thread started. */
    public static HealthMonitor start() {
        return start(Settings.DEFAULT);
    }

    /**
     * A monitor with its thread started. Create it from a thread of the normal scheduling class (not the
     * SCHED_RR router loop): its threads, and the programs {@code exec} checks run, inherit the class.
     */
    public static HealthMonitor start(final Settings settings) {
        final Checkers checkers = new Checkers();
        return new HealthMonitor(new ThreadScheduler(),
                task -> Thread.ofVirtual().name("vrrp-health-check").start(task), checkers, settings, checkers);
    }

    /**
     * Starts checking {@code router}'s dependencies, or replaces its dependencies: a dependency equal to one
     * it had (same SPEC, options included) keeps its verdict, counters and running check; the others start
     * from unknown. The router's flapping verdict is kept until {@link #clearFlapping}. An empty list is
     * healthy ({@link Health#OK}).
     */
    public void watch(final String router, final List<Dependency> dependencies, final Listener listener) {
        watch(router, dependencies, settings, listener);
    }

    /**
     * {@link #watch(String, List, Listener)} with the router's own flapping thresholds (its {@code flap_count}
     * and {@code flap_window}) instead of the monitor's.
     */
    public void watch(final String router, final List<Dependency> dependencies, final Settings flapping,
                      final Listener listener) {
        watch(router, dependencies, flapping, false, listener);
    }

    /**
     * {@link #watch(String, List, Settings, Listener)} for a router that may be {@code running} (online now, a
     * {@code modify-router} or a reload): then a dependency it did not have starts pending, presumed met, rather
     * than unknown, so adding a check that passes never takes it offline (nor lowers its priority).
     */
    public void watch(final String router, final List<Dependency> dependencies, final Settings flapping,
                      final boolean running, final Listener listener) {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(flapping, "flapping");
        Objects.requireNonNull(listener, "listener");
        final List<Dependency> copy = List.copyOf(dependencies);
        scheduler.execute(() -> watchNow(router, copy, flapping, running, listener));
    }

    /**
     * One router's dependency as /metrics shows it.
     *
     * @param router     the router
     * @param dependency its label ({@code tcp:127.0.0.1:80}, {@code systemd:nginx.service}, …)
     * @param weighted   a weighted check (lowers the priority) rather than a hard dependency
     * @param status     {@code up} (healthy), {@code down} (failing) or {@code unknown} (not risen yet)
     */
    public record DependencyStatus(String router, String dependency, boolean weighted, String status) {
    }

    /**
     * Every watched router's dependencies and their verdicts, read on the monitor's own thread (never the router
     * loop's). Waits at most {@code timeoutMillis} for that thread; empty when it did not answer in time (the
     * scrape then shows no dependency rather than waiting).
     */
    public List<DependencyStatus> dependencies(final long timeoutMillis) {
        final CompletableFuture<List<DependencyStatus>> answer = new CompletableFuture<>();
        if (closed) {
            return List.of();
        }
        scheduler.execute(() -> {
            final List<DependencyStatus> result = new ArrayList<>();
            for (final Watch watch : watches.values()) {
                for (final Probe probe : watch.probes) {
                    result.add(new DependencyStatus(watch.router, probe.dependency().label(),
                            probe.dependency().weighted(), switch (probe.state.status()) {
                                case HEALTHY -> "up";
                                case FAILING -> "down";
                                case UNKNOWN, PENDING -> "unknown";
                            }));
                }
            }
            answer.complete(result);
        });
        try {
            return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return List.of();
        }
    }

    /** Stops checking {@code router}: its running checks are abandoned (interrupted), its listener not called. */
    public void unwatch(final String router) {
        scheduler.execute(() -> unwatchNow(router));
    }

    /**
     * The operator's {@code clear-router}: forgets the state changes of {@code router}'s dependencies and its
     * flapping verdict; its listener then hears {@code flapping=false} (if it was flapping).
     */
    public void clearFlapping(final String router) {
        scheduler.execute(() -> {
            final Watch watch = watches.get(router);
            if (watch != null) {
                watch.flapCause = null;
                watch.probes.forEach(probe -> probe.state.clearChanges());
                publish(watch);
            }
        });
    }

    /**
     * Stops every check (interrupting running ones) and the monitor's thread. Waits up to 5 s for that, so not
     * from a listener (the monitor's own thread).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        final CompletableFuture<Void> stopped = new CompletableFuture<>();
        scheduler.execute(() -> {
            watches.values().forEach(watch -> watch.probes.forEach(this::stop));
            watches.clear();
            stopped.complete(null);
        });
        try {
            stopped.get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "health monitor: checks not stopped within " + CLOSE_WAIT_MS
                    + " ms: " + e);
        }
        scheduler.shutdown();
        try {
            resources.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "health monitor: close: " + e);
        }
    }

    // -------------------------------------------------------------------------------------------------
    // Monitor thread
    // -------------------------------------------------------------------------------------------------

    /** One watched router. Monitor thread only. */
    private static final class Watch {
        final String router;
        final Listener listener;
        final List<Probe> probes;
        final Settings flapping;
        String flapCause;
        Health reported;

        Watch(final String router, final Listener listener, final List<Probe> probes, final Settings flapping) {
            this.router = router;
            this.listener = listener;
            this.probes = probes;
            this.flapping = flapping;
        }
    }

    /** One dependency being checked: its verdict and its schedule. Monitor thread only (except {@link Run}). */
    private static final class Probe {
        final CheckState state;
        final Checker checker;
        /** The router it belongs to; null once stopped, so late results and timers are ignored. */
        Watch owner;
        /** The run in progress, or null. */
        Run running;
        /** A run that timed out and did not stop when interrupted. */
        Run stuck;
        /** When {@link #stuck} was interrupted (its timeout). */
        long stuckAt;
        /** The next run waits for {@link #stuck} to end (within its grace), not for the interval. */
        boolean awaitingStuck;
        long startedAt;
        Scheduler.Cancellable next;
        Scheduler.Cancellable timeout;

        Probe(final CheckState state, final Checker checker) {
            this.state = state;
            this.checker = checker;
        }

        Dependency dependency() {
            return state.dependency();
        }
    }

    /** One run of a check, on a thread of the runner. */
    private final class Run implements Runnable {
        private final Probe probe;
        private final Checker checker;
        private final long timeoutMillis;
        private volatile Thread thread;
        private volatile boolean abandoned;
        volatile boolean finished;

        Run(final Probe probe) {
            this.probe = probe;
            this.checker = probe.checker;
            this.timeoutMillis = probe.dependency().timeoutMillis();
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            if (abandoned) {
                finished = true;
                return;
            }
            CheckResult result;
            try {
                result = Objects.requireNonNull(checker.check(timeoutMillis), "checker returned null");
            } catch (InterruptedException e) {
                result = CheckResult.timedOut(timeoutMillis);
            } catch (RuntimeException | Error e) {
                result = CheckResult.failing("check failed: " + CheckResult.reasonOf(e));
            } finally {
                finished = true;
                Thread.interrupted(); // a virtual thread is not reused, but leave nothing behind
            }
            final CheckResult outcome = result;
            scheduler.execute(() -> onResult(probe, this, outcome));
        }

        /** Gives up on this run: its result will be ignored, its thread is interrupted. */
        void abandon() {
            abandoned = true;
            final Thread running = thread;
            if (running != null && !finished) {
                running.interrupt();
            }
        }
    }

    private void watchNow(final String router, final List<Dependency> dependencies, final Settings flapping,
                          final boolean running, final Listener listener) {
        if (closed) {
            return;
        }
        final Watch old = watches.remove(router);
        final Rewatch.Result<Probe> pairing = Rewatch.pair(dependencies, old == null ? List.of() : old.probes,
                Probe::dependency);
        final List<Probe> probes = new ArrayList<>();
        final List<Probe> fresh = new ArrayList<>();
        for (final Rewatch.Pair<Probe> pair : pairing.pairs()) {
            Probe probe = pair.kept();
            if (probe == null) {
                final Dependency dependency = pair.dependency();
                final Probe changed = pair.changed();
                final CheckState state = changed != null ? CheckState.carriedOver(dependency, changed.state)
                        : running ? CheckState.pending(dependency) : new CheckState(dependency);
                probe = new Probe(state, checkerFor(dependency));
                if (changed != null) {
                    stop(changed);
                    probe.stuck = changed.stuck; // a hung run of the same check: still never two at once
                }
                fresh.add(probe);
            }
            probes.add(probe);
        }
        pairing.dropped().forEach(this::stop);
        final Watch watch = new Watch(router, listener, probes, flapping);
        watch.flapCause = old == null ? null : old.flapCause;
        probes.forEach(probe -> probe.owner = watch);
        watches.put(router, watch);
        watch.reported = health(watch);
        tell(watch, watch.reported);
        fresh.forEach(this::tick);
    }

    private Checker checkerFor(final Dependency dependency) {
        try {
            return checkers.apply(dependency);
        } catch (RuntimeException e) {
            final String reason = "cannot be checked: " + CheckResult.reasonOf(e);
            return timeout -> CheckResult.failing(reason);
        }
    }

    private void unwatchNow(final String router) {
        final Watch watch = watches.remove(router);
        if (watch != null) {
            watch.probes.forEach(this::stop);
        }
    }

    private void stop(final Probe probe) {
        probe.owner = null;
        cancel(probe.next);
        cancel(probe.timeout);
        if (probe.running != null) {
            probe.running.abandon();
            probe.running = null;
        }
    }

    private static void cancel(final Scheduler.Cancellable task) {
        if (task != null) {
            task.cancel();
        }
    }

    /** The probe's turn: start a run, unless the last one hangs, which counts as another failure. */
    private void tick(final Probe probe) {
        probe.next = null;
        if (probe.owner == null) {
            return;
        }
        final long now = scheduler.nanoTime();
        probe.awaitingStuck = false;
        if (probe.stuck != null && !probe.stuck.finished) {
            final long graceEnd = probe.stuckAt + TimeUnit.MILLISECONDS.toNanos(probe.dependency().intervalMillis());
            if (now - graceEnd < 0) {
                // Interrupted at its timeout (one failure, counted then), it may still be ending (an exec
                // program's session being killed on a loaded host). The next run fell due interval - timeout
                // after the interrupt, at once with timeout = interval: counting the run then as a second
                // failure made one slow check a failover (fall 2). It gets one interval from its interrupt, when
                // a fresh run would have timed out again; its end starts the next run (onResult).
                probe.awaitingStuck = true;
                probe.next = scheduler.schedule(() -> tick(probe), graceEnd - now);
                return;
            }
            probe.startedAt = now;
            record(probe, CheckResult.failing(CheckResult.timedOutReason(probe.dependency().timeoutMillis())
                    + " (the check does not stop)"), now);
            scheduleNext(probe);
            return;
        }
        probe.startedAt = now;
        probe.stuck = null;
        final Run run = new Run(probe);
        probe.running = run;
        probe.timeout = scheduler.schedule(() -> onTimeout(probe, run),
                TimeUnit.MILLISECONDS.toNanos(probe.dependency().timeoutMillis()));
        runner.execute(run);
    }

    private void onResult(final Probe probe, final Run run, final CheckResult result) {
        if (probe.owner != null && probe.stuck == run && probe.awaitingStuck) {
            cancel(probe.next); // the late run ended within its grace: its result is void, the next run starts now
            tick(probe);
            return;
        }
        if (probe.owner == null || probe.running != run) {
            return; // timed out already, or the router is no longer watched
        }
        probe.running = null;
        cancel(probe.timeout);
        probe.timeout = null;
        record(probe, result, scheduler.nanoTime());
        scheduleNext(probe);
    }

    private void onTimeout(final Probe probe, final Run run) {
        probe.timeout = null;
        if (probe.owner == null || probe.running != run) {
            return;
        }
        probe.running = null;
        run.abandon();
        if (!run.finished) {
            probe.stuck = run;
            probe.stuckAt = scheduler.nanoTime();
        }
        record(probe, CheckResult.timedOut(probe.dependency().timeoutMillis()), scheduler.nanoTime());
        scheduleNext(probe);
    }

    private void scheduleNext(final Probe probe) {
        if (probe.owner == null) {
            return;
        }
        final long due = probe.startedAt + TimeUnit.MILLISECONDS.toNanos(probe.dependency().intervalMillis());
        probe.next = scheduler.schedule(() -> tick(probe), Math.max(0, due - scheduler.nanoTime()));
    }

    private void record(final Probe probe, final CheckResult result, final long now) {
        final Watch watch = probe.owner;
        final Dependency dependency = probe.dependency();
        if (probe.state.record(result, now) && !dependency.weighted()) {
            final Settings flapping = watch.flapping;
            final int changes = probe.state.changesWithin(now, flapping.flapWindow().toNanos());
            if (changes > flapping.flapChanges() && watch.flapCause == null) {
                watch.flapCause = dependency.label() + " changed state " + changes + " times within "
                        + describe(flapping.flapWindow());
            }
        }
        publish(watch);
    }

    private static String describe(final Duration window) {
        return window.toMillis() % 1000 == 0 ? window.toSeconds() + " s" : window.toMillis() + " ms";
    }

    private Health health(final Watch watch) {
        return Health.of(watch.probes.stream().map(probe -> probe.state).toList(), watch.flapCause);
    }

    /** Tells the listener when the health changed since it last heard. */
    private void publish(final Watch watch) {
        final Health health = health(watch);
        if (!health.equals(watch.reported)) {
            watch.reported = health;
            tell(watch, health);
        }
    }

    private static void tell(final Watch watch, final Health health) {
        try {
            watch.listener.healthChanged(watch.router, health);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "health listener of " + watch.router + ": " + e, e);
        }
    }
}
