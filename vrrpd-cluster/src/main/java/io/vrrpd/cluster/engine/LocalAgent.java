package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.FenceGuard;
import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.StartedLedger;
import io.vrrpd.cluster.StoredService;
import io.vrrpd.cluster.membership.ClusterView;
import io.vrrpd.cluster.primitive.Invocation;
import io.vrrpd.cluster.primitive.PrimitiveRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * This node's side of every service: runs the primitives the coordinator asks for, the periodic checks, the
 * activate/deactivate and join/leave that follow from the table and the view, and stops everything on its own
 * when the node loses quorum (self-fencing). Primitives of one service run one at a time, in order (a worker per
 * service); different services run in parallel.
 *
 * <p>State changes that the coordinator must see before the primitive finishes (starting, stopping) are made
 * synchronously, on the caller's thread, so the next report already shows them.
 *
 * <p>Self-fencing does not queue behind the service's worker: a fence thread per service takes the addresses off
 * first, kills a start or check still running, runs the stop, and at the fence deadline (the lease's expiry plus
 * {@link ServiceCluster.Settings#selfFenceBudgetMillis()}) kills the service's cgroup whatever the stop does — a
 * deadline kept by a scheduler of its own, never behind a disk write.
 */
final class LocalAgent implements AutoCloseable, QuorumLease.Listener {
    private static final System.Logger LOG = System.getLogger(LocalAgent.class.getName());

    private final String node;
    private final PrimitiveRunner runner;
    private final Runnable changed;
    private final ScheduledExecutorService timer;
    private final LongSupplier wallMillis;
    private final StartedLedger ledger;
    private SortedSet<String> recorded = new TreeSet<>();
    private final Map<String, LocalStatus> status = new ConcurrentHashMap<>();
    private final Map<String, ExecutorService> workers = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> checks = new ConcurrentHashMap<>();
    /** Per started service: the active peers its instance has been told about (join/leave). */
    private final Map<String, Set<String>> peers = new ConcurrentHashMap<>();
    private volatile Map<String, StoredService> table = Map.of();
    private volatile ClusterView view;
    /** False while the quorum lease is lost: this host behaves as without quorum. */
    private volatile boolean leaseHeld = true;
    private volatile boolean closed;
    /** Set once the daemon began to shut down: no start runs here any more. */
    private volatile boolean shuttingDown;
    private final FenceGuard guard;
    private final long fenceBudgetNanos;
    /** When the quorum lease runs out unless renewed ({@link System#nanoTime()}); MAX_VALUE: no lease. */
    private volatile long leaseValidUntil = Long.MAX_VALUE;
    /** The primitive a service's worker runs now: a self-fence kills a start or check instead of waiting for it. */
    private final Map<String, Primitive> busy = new ConcurrentHashMap<>();
    /** Services being fenced: their worker leaves them alone until the fence is done. */
    private final Set<String> fencing = ConcurrentHashMap.newKeySet();
    private final ExecutorService fencer = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("fence-", 0)
            .daemon().priority(Thread.MAX_PRIORITY).factory());
    private final ScheduledExecutorService fenceDeadlines = Executors.newScheduledThreadPool(1,
            Thread.ofPlatform().name("fence-deadline").daemon().priority(Thread.MAX_PRIORITY).factory());

    LocalAgent(final String node, final PrimitiveRunner runner, final Runnable changed,
               final ScheduledExecutorService timer, final LongSupplier wallMillis, final StartedLedger ledger) {
        this(node, runner, changed, timer, wallMillis, ledger, FenceGuard.NONE, 0);
    }

    LocalAgent(final String node, final PrimitiveRunner runner, final Runnable changed,
               final ScheduledExecutorService timer, final LongSupplier wallMillis, final StartedLedger ledger,
               final FenceGuard guard, final long fenceBudgetMillis) {
        this.guard = guard;
        this.fenceBudgetNanos = fenceBudgetMillis * 1_000_000L;
        this.ledger = ledger;
        this.node = node;
        this.runner = runner;
        this.changed = changed;
        this.timer = timer;
        this.wallMillis = wallMillis;
    }

    /** Every service's local state, for a report. */
    Map<String, LocalStatus> snapshot() {
        return Map.copyOf(status);
    }

    LocalStatus status(final String service) {
        return status.getOrDefault(service, LocalStatus.STOPPED);
    }

    // ---- inputs (called on the cluster's actor thread) ----

    /** The table changed: activate/deactivate here as it says, forget deleted services, re-arm checks. */
    void tableChanged(final Map<String, StoredService> newTable) {
        table = Map.copyOf(newTable);
        for (final StoredService service : newTable.values()) {
            final String name = service.name();
            final LocalStatus current = status.computeIfAbsent(name, k -> LocalStatus.STOPPED);
            final boolean wantActive = service.activeOn().contains(node);
            if (wantActive && !current.activated()) {
                submit(name, () -> activate(name));
            } else if (!wantActive && current.activated()) {
                submit(name, () -> deactivate(name));
            }
            armCheck(service.spec());
        }
        for (final String name : List.copyOf(status.keySet())) {
            if (!newTable.containsKey(name)) {
                forget(name);
            }
        }
        announcePeers();
    }

    /** A new view: self-fence without quorum, tell started instances who arrived or left. */
    void viewChanged(final ClusterView newView) {
        view = newView;
        if (!newView.quorate()) {
            selfFence("this partition has lost quorum (" + newView.members().size() + " of the configured members, "
                    + newView.quorumSize() + " needed)");
        }
        announcePeers();
    }

    /** The quorum lease was lost (no majority heard lately) or is held again (on the lease thread). */
    @Override
    public void leaseChanged(final boolean held) {
        leaseHeld = held;
        if (!held) {
            selfFence("no majority heard within the quorum lease");
        }
    }

    /** After each lease evaluation (on the lease thread): feeds the fence guard. */
    @Override
    public void leaseValidUntil(final long nanos) {
        leaseValidUntil = nanos;
        feedGuard();
    }

    /** Tells the fence guard what is held here and until when the lease runs (never blocks on a disk). */
    private void feedGuard() {
        final long valid = leaseValidUntil;
        final long deadline = valid == Long.MAX_VALUE ? Long.MAX_VALUE : valid + fenceBudgetNanos;
        final List<FenceGuard.Held> held = new ArrayList<>();
        status.forEach((name, s) -> {
            final StoredService service = table.get(name);
            if (s.holds() && service != null) {
                final ServiceSpec spec = service.spec();
                held.add(new FenceGuard.Held(name, runner.cgroup(name).map(Object::toString).orElse(""),
                        spec.addresses().isEmpty() ? "" : spec.link(), spec.addresses()));
            }
        });
        guard.feed(deadline, held);
    }

    /**
     * Stops everything held here without waiting for the services' workers: a fence thread per service (see the
     * class comment). The deadline counts from when the lease ran out, not from when this noticed it.
     */
    private void selfFence(final String why) {
        final long now = System.nanoTime();
        final long expiry = leaseValidUntil == Long.MAX_VALUE ? now : Math.min(now, leaseValidUntil);
        final long deadline = expiry + fenceBudgetNanos;
        for (final Map.Entry<String, LocalStatus> e : status.entrySet()) {
            final String name = e.getKey();
            if (e.getValue().holds() && fencing.add(name)) {
                // In memory only (no disk here): from now on the worker leaves the service to its fence.
                status.computeIfPresent(name, (k, s) -> s.withState(ServiceState.STOPPING));
                try {
                    fencer.execute(() -> fence(name, why, deadline));
                } catch (RejectedExecutionException ex) {
                    fencing.remove(name);
                }
            }
        }
    }

    /** On the service's fence thread: addresses off, running primitive killed, stop, kill at the deadline. */
    private void fence(final String name, final String why, final long deadlineNanos) {
        try {
            final StoredService service = table.get(name);
            if (service == null) {
                return;
            }
            final ServiceSpec spec = service.spec();
            final long left = Math.max(0, deadlineNanos - System.nanoTime());
            final java.util.concurrent.atomic.AtomicReference<String> deadlineKill =
                    new java.util.concurrent.atomic.AtomicReference<>();
            final ScheduledFuture<?> atDeadline = fenceDeadlines.schedule(() -> {
                final String failure = runner.kill(spec);
                deadlineKill.set(failure);
                LOG.log(System.Logger.Level.WARNING, "service " + name + ": fence deadline: its cgroup killed"
                        + (failure.isEmpty() ? "" : " (" + failure + ")"));
            }, left, TimeUnit.NANOSECONDS);
            LOG.log(System.Logger.Level.WARNING, "service " + name + ": " + why + ": self-fencing: addresses off,"
                    + " stop, SIGKILL of what is left in " + left / 1_000_000L + " ms");
            final String addresses = runner.releaseAddresses(spec);
            final Primitive running = busy.get(name);
            if (running != null && running != Primitive.STOP) {
                // A start or check still running must not go on beside (or delay) the stop: it dies with the cgroup.
                LOG.log(System.Logger.Level.WARNING, "service " + name + ": self-fencing: its running "
                        + running.actionName() + " is killed");
                runner.kill(spec);
            }
            update(name, s -> s.withState(ServiceState.STOPPING)); // the ledger and the report: may wait for a disk
            PrimitiveResult stop;
            try {
                stop = runner.run(spec, Primitive.STOP, new Invocation(node, activeNodes(service), null, null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop = null;
            }
            atDeadline.cancel(false);
            final String kill = runner.kill(spec); // whatever the stop left behind
            peers.remove(name);
            final String stopText = stop == null ? "stop: not run" : describe(stop);
            final boolean gone = kill.isEmpty() || (stop != null && stop.succeeded());
            final String detail = "self-fenced (" + why + "): " + stopText + (kill.isEmpty() ? "" : "; " + kill)
                    + (addresses.isEmpty() ? "" : "; " + addresses);
            if (gone && addresses.isEmpty()) {
                // A fence that killed the cgroup (or whose stop worked) also ends a block after an earlier failed stop.
                update(name, s -> s.withState(ServiceState.STOPPED).withBlocked(false).withAction("stop",
                        wallMillis.getAsLong(), detail));
            } else if (!gone) {
                block(name, detail); // nothing proves the copy is gone
            } else {
                markFailed(name, detail);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "service " + name + ": self-fence: " + e, e);
        } finally {
            fencing.remove(name);
        }
    }

    /** This host is shutting down: it starts nothing any more (a start queued by a coordinator is refused). */
    void shuttingDown() {
        shuttingDown = true;
    }

    /** The coordinator's command; {@code done} gets the result of commands that carry a request id. */
    void command(final Message.Command command, final Consumer<Message.Done> done) {
        final String name = command.service();
        if (!table.containsKey(name)) {
            done.accept(new Message.Done(command.requestId(), false, "service " + name + " is not known on " + node));
            return;
        }
        switch (command.op()) {
            case "start" -> start(name);
            case "stop" -> stop(name, "asked by the coordinator");
            case "clear" -> {
                submit(name, () -> {
                    final LocalStatus before = status(name);
                    if (before.blocked()) {
                        LOG.log(System.Logger.Level.WARNING, "service " + name + ": block after a failed stop cleared"
                                + " by the operator on " + node + " (they checked that its copy is gone): it may start"
                                + " again, here or elsewhere");
                    }
                    if (before.state() == ServiceState.FAILED) {
                        update(name, s -> s.withState(ServiceState.STOPPED).withBlocked(false).withAction("clear",
                                wallMillis.getAsLong(), before.blocked() ? "block cleared by the operator"
                                        : "failed mark cleared by the operator").withFailures(0));
                    }
                    done.accept(new Message.Done(command.requestId(), true, before.blocked() ? "block cleared"
                            : "cleared"));
                });
                return;
            }
            case "run" -> {
                final Primitive primitive = Primitive.byActionName(command.primitive()).orElse(null);
                if (primitive == null) {
                    done.accept(new Message.Done(command.requestId(), false, "unknown primitive " + command.primitive()));
                    return;
                }
                submit(name, () -> {
                    final PrimitiveResult result = primitive == Primitive.CHECK ? check(name) : run(name, primitive, null);
                    done.accept(new Message.Done(command.requestId(), result != null && result.succeeded(),
                            result == null ? "not run" : describe(result)));
                });
                return;
            }
            default -> {
                done.accept(new Message.Done(command.requestId(), false, "unknown command " + command.op()));
                return;
            }
        }
        if (!command.requestId().isEmpty()) {
            done.accept(new Message.Done(command.requestId(), true, command.op() + " queued"));
        }
    }

    // ---- the lifecycle ----

    private void start(final String name) {
        final LocalStatus current = status(name);
        if (current.holds() || current.state() == ServiceState.FAILED || !current.activated()) {
            return; // already there, or not allowed here: the next report tells the coordinator
        }
        if (shuttingDown || closed) {
            // A coordinator that did not hear this host's "leaving" report yet: starting now would only stop again.
            LOG.log(System.Logger.Level.INFO, "service " + name + ": not started: this host is shutting down");
            return;
        }
        if (!quorate()) {
            // A command from a coordinator whose view this host has already left: never start without quorum.
            LOG.log(System.Logger.Level.WARNING, "service " + name + ": not started: this host has no quorum");
            return;
        }
        update(name, s -> s.withState(ServiceState.STARTING));
        submit(name, () -> {
            if (status(name).state() != ServiceState.STARTING) {
                return;
            }
            if (!quorate()) {
                LOG.log(System.Logger.Level.WARNING, "service " + name + ": not started: quorum lost before the start");
                update(name, s -> s.state() == ServiceState.STARTING ? s.withState(ServiceState.STOPPED) : s);
                return;
            }
            final PrimitiveResult result = run(name, Primitive.START, null);
            if (result != null && result.succeeded()) {
                peers.put(name, activePeers(name));
                // Still STARTING unless a self-fence (lost quorum) asked for a stop meanwhile: that stop is queued
                // behind this task and must find the service held.
                update(name, s -> s.state() == ServiceState.STARTING ? s.withState(ServiceState.STARTED) : s);
                status(name, Primitive.STATUS);
            } else {
                if (status(name).state() != ServiceState.STARTING) {
                    return; // a self-fence took the service over (and killed this start): it decides the state
                }
                // A failed start may have left part of it running: stop it before anything starts elsewhere; if that
                // stop fails too, the service is blocked here.
                final String why = "start failed: " + (result == null ? "not run" : describe(result));
                update(name, s -> s.withState(ServiceState.STOPPING));
                final PrimitiveResult stopped = run(name, Primitive.STOP, null);
                if (stopped != null && !stopped.succeeded()) {
                    block(name, why + "; then " + describe(stopped));
                } else {
                    markFailed(name, why);
                }
            }
        });
    }

    private void stop(final String name, final String why) {
        final LocalStatus current = status(name);
        if (current.blocked()) {
            submit(name, () -> stopNow(name, why)); // one more try (stop-service after the type was repaired)
            return;
        }
        if (current.state() != ServiceState.STARTED && current.state() != ServiceState.STARTING) {
            return;
        }
        update(name, s -> s.withState(ServiceState.STOPPING));
        submit(name, () -> stopNow(name, why));
    }

    /**
     * On the service's worker: stop, whatever the state said when it was queued.
     *
     * @return false when the stop failed or timed out: the service is then blocked here
     */
    private boolean stopNow(final String name, final String why) {
        if (!status(name).holds() || fencing.contains(name)) {
            return true; // (a fence in progress decides the state)
        }
        final boolean wasBlocked = status(name).blocked();
        update(name, s -> s.blocked() ? s : s.withState(ServiceState.STOPPING));
        LOG.log(System.Logger.Level.INFO, "service " + name + ": stopping (" + why + ")");
        final PrimitiveResult result = run(name, Primitive.STOP, null);
        peers.remove(name);
        if (result == null || result.succeeded()) {
            if (wasBlocked) {
                LOG.log(System.Logger.Level.INFO, "service " + name + ": stopped on " + node + " after all: no longer"
                        + " blocked (still failed here until clear-service)");
                update(name, s -> s.withBlocked(false));
            } else {
                update(name, s -> s.withState(ServiceState.STOPPED));
            }
            return true;
        }
        block(name, "stop failed: " + describe(result));
        return false;
    }

    /**
     * A stop failed or timed out (DESIGN.md §4): the copy may still run, so this host keeps holding the service —
     * failed and blocked — and nothing starts it elsewhere until this host is fenced or an operator clears it after
     * checking. The {@code failed} primitive is not asked: only a stop that works, a fence or the operator ends it.
     */
    private void block(final String name, final String why) {
        final String detail = why + "; blocked: its copy may still run on " + node + ", so it starts nowhere else until "
                + node + " is fenced or an operator runs 'vrrpadm clear-service -n " + node + " " + name
                + "' after checking that it is gone";
        LOG.log(System.Logger.Level.ERROR, "service " + name + " failed on " + node + ": " + detail);
        update(name, s -> s.withState(ServiceState.FAILED).withBlocked(true)
                .withAction(s.lastAction(), wallMillis.getAsLong(), detail).withFailures(s.failures() + 1));
    }

    private void activate(final String name) {
        if (status(name).activated() || !isActiveHere(name)) {
            return;
        }
        final PrimitiveResult result = run(name, Primitive.ACTIVATE, null);
        if (result != null && result.succeeded()) {
            update(name, s -> s.withActivated(true));
        } else {
            markFailed(name, "activate failed: " + (result == null ? "not run" : describe(result)));
        }
    }

    private void deactivate(final String name) {
        if (!status(name).activated() || isActiveHere(name)) {
            return;
        }
        if (!stopNow(name, "deactivated on " + node)) {
            return; // blocked: deactivating under a copy that may run would only hide it
        }
        run(name, Primitive.DEACTIVATE, null);
        update(name, s -> s.withActivated(false));
    }

    /** Runs check and acts on it (DESIGN.md §4): 2 failing -> stop and mark failed; 3 -> mark failed. */
    private PrimitiveResult check(final String name) {
        final LocalStatus current = status(name);
        if (current.state() != ServiceState.STARTED && current.state() != ServiceState.STOPPED) {
            return null; // on its way in or out, or failed: a check now says nothing
        }
        final PrimitiveResult result = run(name, Primitive.CHECK, current.state());
        if (result == null || fencing.contains(name) || status(name).state() == ServiceState.STOPPING) {
            return result; // a self-fence killed it, or took over meanwhile: it decides the state
        }
        final String verdict = switch (result.outcome()) {
            case SUCCESS, DEFAULTED -> "fine";
            case CHECK_FAILED -> "failed";
            case TIMEOUT -> "timeout";
            case CHECK_FAILING -> "failing";
            case ERROR, NOT_STARTED -> "error";
        };
        update(name, s -> s.withCheck(wallMillis.getAsLong(), verdict));
        switch (result.outcome()) {
            case SUCCESS, DEFAULTED -> {
                if (status(name).state() == ServiceState.STARTED) {
                    status(name, Primitive.STATUS);
                }
            }
            case CHECK_FAILED -> markFailed(name, "check: already failed (" + describe(result) + ")");
            // A check that fails to run or hangs is a failing service: a hung check must not hide a dead one.
            case CHECK_FAILING, TIMEOUT, ERROR, NOT_STARTED -> {
                if (status(name).state() == ServiceState.STARTED
                        && !stopNow(name, "check " + verdict + ": " + describe(result))) {
                    return result; // blocked (stopNow said why): no repair over a copy that may still run
                }
                markFailed(name, "check " + verdict + ": " + describe(result));
            }
        }
        return result;
    }

    private void markFailed(final String name, final String why) {
        LOG.log(System.Logger.Level.WARNING, "service " + name + " failed on " + node + ": " + why);
        update(name, s -> s.withState(ServiceState.FAILED).withAction(s.lastAction(), s.lastActionMillis(), why)
                .withFailures(s.failures() + 1));
        // Self-repair: the type's failed primitive; 0 resets this node to active and stopped.
        final PrimitiveResult repair = run(name, Primitive.FAILED, null);
        if (repair != null && repair.outcome() == PrimitiveResult.Outcome.SUCCESS) {
            LOG.log(System.Logger.Level.INFO, "service " + name + " repaired on " + node + " (failed exited 0)");
            update(name, s -> s.withState(ServiceState.STOPPED));
        } else if (repair != null) {
            // The cause first: "not repaired" alone would hide why it failed.
            update(name, s -> s.withAction(Primitive.FAILED.actionName(), wallMillis.getAsLong(),
                    why + "; not repaired (" + describe(repair) + ")"));
        }
    }

    private void status(final String name, final Primitive primitive) {
        final PrimitiveResult result = run(name, primitive, null);
        if (result != null && result.succeeded()) {
            update(name, s -> s.withStatusText(LocalStatus.boundedStatusText(result.output())));
        }
    }

    /** Runs one primitive for {@code name} with the cluster facts of now; null if the service is gone. */
    private PrimitiveResult run(final String name, final Primitive primitive, final ServiceState state) {
        return run(name, primitive, state, null);
    }

    private PrimitiveResult run(final String name, final Primitive primitive, final ServiceState state,
                                final String peer) {
        final StoredService service = table.get(name);
        if (service == null) {
            return null;
        }
        final ServiceSpec spec = service.spec();
        final List<String> active = activeNodes(service);
        busy.put(name, primitive);
        try {
            final PrimitiveResult result = runner.run(spec, primitive, new Invocation(node, active, peer, state));
            if (primitive != Primitive.CHECK && primitive != Primitive.STATUS && primitive != Primitive.CGI) {
                update(name, s -> s.withAction(primitive.actionName(), wallMillis.getAsLong(), describe(result)));
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            busy.remove(name);
        }
    }

    // ---- join/leave ----

    private void announcePeers() {
        for (final Map.Entry<String, Set<String>> e : peers.entrySet()) {
            final String name = e.getKey();
            final Set<String> now = activePeers(name);
            final Set<String> before = e.getValue();
            if (now.equals(before)) {
                continue;
            }
            peers.put(name, now);
            for (final String arrived : difference(now, before)) {
                submit(name, () -> {
                    if (status(name).state() == ServiceState.STARTED) {
                        run(name, Primitive.JOIN, null, arrived);
                    }
                });
            }
            for (final String left : difference(before, now)) {
                submit(name, () -> {
                    if (status(name).state() == ServiceState.STARTED) {
                        run(name, Primitive.LEAVE, null, left);
                    }
                });
            }
        }
    }

    private Set<String> activePeers(final String name) {
        final StoredService service = table.get(name);
        final Set<String> result = new TreeSet<>();
        if (service != null) {
            result.addAll(activeNodes(service));
            result.remove(node);
        }
        return result;
    }

    private List<String> activeNodes(final StoredService service) {
        final ClusterView v = view;
        final List<String> result = new ArrayList<>();
        for (final String n : service.activeOn()) {
            if (v == null ? n.equals(node) : v.contains(n)) {
                result.add(n);
            }
        }
        return result;
    }

    private static Set<String> difference(final Set<String> a, final Set<String> b) {
        final Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    // ---- plumbing ----

    private boolean quorate() {
        final ClusterView v = view;
        return leaseHeld && (v == null || v.quorate());
    }

    private boolean isActiveHere(final String name) {
        final StoredService service = table.get(name);
        return service != null && service.activeOn().contains(node);
    }

    /** Arms (or re-arms, when its interval changed) the periodic check of {@code spec}. */
    private void armCheck(final ServiceSpec spec) {
        final String name = spec.name();
        final long interval = spec.checkIntervalMillis();
        final Long armed = armedInterval.get(name);
        if (armed != null && armed == interval) {
            return;
        }
        armedInterval.put(name, interval);
        final ScheduledFuture<?> previous = interval <= 0 ? checks.remove(name) : checks.put(name,
                timer.scheduleWithFixedDelay(() -> {
                    if (status(name).activated()) {
                        submitIfIdle(name, () -> check(name));
                    }
                }, interval, interval, TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private final Map<String, Long> armedInterval = new ConcurrentHashMap<>();
    private final Map<String, Boolean> checkQueued = new ConcurrentHashMap<>();

    /** Queues a periodic check unless one is still waiting (a slow worker must not pile checks up). */
    private void submitIfIdle(final String name, final Runnable task) {
        if (checkQueued.putIfAbsent(name, Boolean.TRUE) == null) {
            submit(name, () -> {
                checkQueued.remove(name);
                task.run();
            });
        }
    }

    private void forget(final String name) {
        final ScheduledFuture<?> check = checks.remove(name);
        if (check != null) {
            check.cancel(false);
        }
        submit(name, () -> {
            stopNow(name, "deleted");
            if (status(name).activated()) {
                run(name, Primitive.DEACTIVATE, null);
            }
        });
        // The service is gone from the table: its record goes once its worker has run out.
        submit(name, () -> {
            status.remove(name);
            armedInterval.remove(name);
            final ExecutorService worker = workers.remove(name);
            if (worker != null) {
                worker.shutdown();
            }
            changed.run();
        });
    }

    private void submit(final String name, final Runnable task) {
        if (closed) {
            return;
        }
        final ExecutorService worker = workers.computeIfAbsent(name,
                k -> Executors.newSingleThreadExecutor(Thread.ofVirtual().name("service-" + k).factory()));
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "service " + name + ": " + e, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "service " + name + ": worker closed, dropped a task");
        }
    }

    private void update(final String name, final java.util.function.UnaryOperator<LocalStatus> change) {
        status.compute(name, (k, s) -> change.apply(s == null ? LocalStatus.STOPPED : s));
        record();
        changed.run();
    }

    /** Writes the ledger when the set of services held here changed (before a start runs: STARTING counts). */
    private synchronized void record() {
        final SortedSet<String> held = new TreeSet<>();
        status.forEach((name, s) -> {
            if (s.holds()) {
                held.add(name);
            }
        });
        if (held.equals(recorded)) {
            return;
        }
        feedGuard(); // before the disk: the guard must know a start before it runs
        try {
            ledger.write(held);
            recorded = held;
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot record the services started here (" + held + "): "
                    + e.getMessage() + "; after a crash --release-addresses would not stop them");
        }
    }

    static String describe(final PrimitiveResult result) {
        final String detail = result.detail().isEmpty() ? result.outcome().name().toLowerCase(java.util.Locale.ROOT)
                : result.detail();
        return result.primitive().actionName() + ": " + detail;
    }

    /** Stops every started service here (daemon shutdown) and waits for the stops, at most {@code millis}. */
    void stopAll(final long millis) {
        for (final String name : List.copyOf(status.keySet())) {
            stop(name, "vrrpd stopping");
        }
        closed = true;
        checks.values().forEach(f -> f.cancel(false));
        workers.values().forEach(ExecutorService::shutdown);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (final ExecutorService worker : workers.values()) {
            try {
                worker.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        fencer.shutdownNow();
        fenceDeadlines.shutdownNow();
        checks.values().forEach(f -> f.cancel(false));
        workers.values().forEach(ExecutorService::shutdownNow);
    }
}
