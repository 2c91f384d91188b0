package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.Dependency;
import io.vrrpd.daemon.config.MacMode;
import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.daemon.control.ControlException;
import io.vrrpd.daemon.control.RouterRuntime;
import io.vrrpd.daemon.control.RouterStatus;
import io.vrrpd.daemon.health.Health;
import io.vrrpd.daemon.health.HealthMonitor;
import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.Link;
import io.vrrpd.linux.LinkAddress;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.linux.RtnetlinkEvent;
import io.vrrpd.linux.RtnetlinkMonitor;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.RouterState;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.Timing;
import io.vrrpd.protocol.wire.Verdict;
import io.vrrpd.protocol.wire.VerdictCounters;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The routers running on this host's Linux: the {@link RouterRuntime} the control plane drives. Every
 * router's state, its kernel plumbing and every netlink request live on the single {@link VrrpLoop}
 * thread; control requests, link events and signals reach it by {@link VrrpLoop#call}/{@link VrrpLoop#post}.
 *
 * <p>A router's administrative state follows from its spec and its link, re-evaluated ({@link #reconcile})
 * whenever either changes:
 * <ul>
 *   <li>{@code disabled}: the operator disabled it; VRRP Initialize, VNIC plumbed but down.</li>
 *   <li>{@code offline}: its link is missing, has no carrier, or has no address to advertise from (IPv4:
 *       the link's first IPv4 address; IPv6: its first link-local one, RFC 5798 §5.1.2.1). A Master leaving
 *       sends priority 0 (a Shutdown event) first, so a Backup takes over after Skew_Time. Also: an unmet hard
 *       dependency, or a member of its sync group that is not online ({@link SyncGroup}).</li>
 *   <li>{@code maintenance}: a hard dependency flapped; until {@code clear-router}.</li>
 *   <li>{@code online}: VRRP Backup or Master.</li>
 * </ul>
 */
public final class LinuxRouterRuntime implements RouterRuntime, AutoCloseable {
    private static final long CALL_TIMEOUT_MS = 10_000;
    private static final int MONITOR_POLL_MS = 250;

    private final VrrpLoop loop;
    private final Rtnetlink netlink;
    private final RtnetlinkMonitor monitor;
    private final Thread monitorThread;
    private volatile boolean running = true;
    /** Loop thread only. */
    private final Map<String, Managed> routers = new TreeMap<>();
    /** Loop thread only. */
    private final Map<ChannelKey, LinkChannel> channels = new HashMap<>();
    private final RouterInstance.Listener listener;
    private final HealthMonitor health;
    private final HookRunner hooks;
    /** The loop's listener for every instance: the caller's, then the hooks. */
    private final RouterInstance.Listener transitions;

    private record ChannelKey(String link, AddressFamily family) {
    }

    /** One router: what the operator asked for and what runs. Loop thread only. */
    private static final class Managed {
        RouterSpec spec;
        AdminState admin = AdminState.OFFLINE;
        String reason = "starting";
        long adminSince = System.nanoTime();
        RouterPlumbing plumbing;
        RouterInstance instance;
        /** Counters survive an instance being replaced (primary address change, modify of the identity). */
        long sentBefore;
        long receivedBefore;
        long transitionsBefore;
        final VerdictCounters dropsBefore = new VerdictCounters();
        /** What the dependencies say (HealthMonitor reports, on the loop thread). */
        Health health = Health.OK;
        /** The administrative state a router leaving the group goes to, for its on_offline hook. */
        AdminState leavingTo;
        /** Offline only because a member of its sync group is not online (see {@link SyncGroup}). */
        boolean held;
        /** The priority reduction it runs with: its sync group's largest (its own without a group). */
        SyncGroup.Reduction reduction = SyncGroup.Reduction.NONE;

        Managed(final RouterSpec spec) {
            this.spec = spec;
        }

        /** The configured priority lowered by failing weighted checks, within 1-254; the owner keeps 255. */
        int effectivePriority() {
            if (spec.owner() || reduction.amount() == 0) {
                return spec.priority();
            }
            return Math.max(1, Math.min(RouterConfig.OWNER_PRIORITY - 1, spec.priority() - reduction.amount()));
        }

        SyncGroup.Member asMember() {
            return new SyncGroup.Member(spec.name(), spec.syncGroup(), admin, reason, held,
                    health.priorityReduction(), health.causes());
        }
    }

    private LinuxRouterRuntime(final VrrpLoop loop, final Rtnetlink netlink, final RtnetlinkMonitor monitor,
                               final RouterInstance.Listener listener, final HealthMonitor health,
                               final HookRunner hooks) {
        this.health = health;
        this.hooks = hooks;
        this.transitions = (router, from, to, reason) -> {
            listener.stateChanged(router, from, to, reason);
            runHook(router, from, to, reason);
        };
        this.loop = loop;
        this.netlink = netlink;
        this.monitor = monitor;
        this.listener = listener;
        this.monitorThread = Thread.ofPlatform().name("vrrp-netlink-monitor").daemon(true)
                .unstarted(this::watchLinks);
    }

    /**
     * Opens netlink, starts the loop and the link monitor. {@code health} and {@code hooks} must have been
     * started on a normal thread (the loop is real-time; their threads and programs must not inherit that).
     */
    public static LinuxRouterRuntime start(final RouterInstance.Listener listener, final HealthMonitor health,
                                           final HookRunner hooks) throws ErrnoException {
        final Rtnetlink netlink = Rtnetlink.open();
        final RtnetlinkMonitor monitor;
        try {
            monitor = RtnetlinkMonitor.open();
        } catch (ErrnoException e) {
            netlink.close();
            throw e;
        }
        final VrrpLoop loop = new VrrpLoop();
        loop.start();
        loop.post(Warmup::run);
        final LinuxRouterRuntime runtime = new LinuxRouterRuntime(loop, netlink, monitor, listener, health, hooks);
        runtime.monitorThread.start();
        return runtime;
    }

    public VrrpLoop loop() {
        return loop;
    }

    // -------------------------------------------------------------------------------------------------
    // RouterRuntime: the control plane's requests
    // -------------------------------------------------------------------------------------------------

    @Override
    public void check(final RouterSpec spec) throws ControlException {
        onLoop(() -> {
            checkOnLoop(spec);
            return null;
        });
    }

    private void checkOnLoop(final RouterSpec spec) throws ControlException {
        final Optional<Link> link = findLink(spec.link());
        if (link.isEmpty()) {
            throw new ControlException("link: " + spec.link() + " does not exist (allowed: "
                    + String.join(", ", linkNames()) + ")");
        }
        if (spec.owner()) {
            final List<IpPrefix> own = addressesOf(link.get().index()).stream().map(LinkAddress::prefix).toList();
            for (final IpPrefix prefix : spec.addresses()) {
                if (prefix.address().isLinkLocal()) {
                    continue;
                }
                if (own.stream().noneMatch(p -> p.address().equals(prefix.address()))) {
                    throw new ControlException("priority: 255 means this host owns the addresses, but "
                            + prefix.address() + " is not an address of " + spec.link()
                            + " (allowed: 1-254, or 255 when every virtual address is configured on the link)");
                }
            }
        }
    }

    @Override
    public void apply(final RouterSpec spec) throws ControlException {
        onLoop(() -> {
            applyOnLoop(spec);
            return null;
        });
    }

    private void applyOnLoop(final RouterSpec spec) {
        final Managed existing = routers.get(spec.name());
        if (existing == null) {
            final Managed managed = new Managed(spec);
            routers.put(spec.name(), managed);
            watchDependencies(managed);
            reconcile(managed);
            return;
        }
        final RouterSpec old = existing.spec;
        if (old.equals(spec)) {
            return; // a reload must not touch an unchanged router
        }
        existing.spec = spec;
        if (!old.depends().equals(spec.depends()) || old.flapCount() != spec.flapCount()
                || old.flapWindowMs() != spec.flapWindowMs()) {
            watchDependencies(existing);
        }
        if (!sameIdentity(old, spec)) {
            // Another VRID, link, family, version, address set or MAC mode is another router on the wire.
            destroyInstance(existing, "reconfigured");
            unplumb(existing);
        }
        reconcile(existing);
        if (!old.syncGroup().equals(spec.syncGroup())) {
            reconcileGroup(old.syncGroup(), spec.name()); // the group it left may be released
        }
    }

    /** The fields that make a router what it is on the wire and in the kernel. */
    private static boolean sameIdentity(final RouterSpec a, final RouterSpec b) {
        return a.vrid() == b.vrid() && a.link().equals(b.link()) && a.family() == b.family()
                && a.version() == b.version() && a.addresses().equals(b.addresses()) && a.mac() == b.mac()
                && a.unicastPeers().equals(b.unicastPeers());
    }

    @Override
    public void remove(final String name) {
        try {
            onLoop(() -> {
                final Managed managed = routers.remove(name);
                health.unwatch(name);
                if (managed != null) {
                    destroyInstance(managed, "router deleted");
                    unplumb(managed);
                    hooks.forget(name);
                    Log.info("[" + name + "] deleted");
                    reconcileGroup(managed.spec.syncGroup(), name); // a deleted member holds nobody
                }
                return null;
            });
        } catch (ControlException e) {
            Log.error("[" + name + "] delete: " + e.getMessage());
        }
    }

    @Override
    public void clear(final String name) throws ControlException {
        onLoop(() -> {
            final Managed managed = routers.get(name);
            if (managed == null) {
                throw new ControlException("router '" + name + "' does not exist");
            }
            if (managed.admin != AdminState.MAINTENANCE) {
                throw new ControlException("router '" + name + "' is not in maintenance (it is " + managed.admin
                        + "): nothing to clear");
            }
            health.clearFlapping(name);
            final Health was = managed.health;
            managed.health = new Health(was.hardOk(), was.unmet(), was.priorityReduction(), was.causes(), false, null);
            managed.admin = AdminState.OFFLINE;
            managed.reason = "cleared by the operator";
            reconcile(managed);
            return null;
        });
    }

    @Override
    public RouterStatus status(final String name) {
        try {
            return onLoop(() -> statusOnLoop(routers.get(name)));
        } catch (ControlException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private RouterStatus statusOnLoop(final Managed managed) {
        Objects.requireNonNull(managed, "router not applied");
        final RouterInstance instance = managed.instance;
        final RouterState state = instance == null ? null : instance.state();
        final State protocol = state == null ? State.INITIALIZE : state.state();
        final boolean online = managed.admin == AdminState.ONLINE && state != null;
        final String reason = online ? withCauses(state.lastReason(), managed) : managed.reason;
        final long since = state != null && state.lastTransitionAt() != RouterState.NOT_ARMED
                && (online || state.lastTransitionAt() - managed.adminSince > 0)
                ? state.lastTransitionAt() : managed.adminSince;
        final RouterState.Peer heard = state == null ? null : state.peer();
        final RouterStatus.Peer peer = heard == null ? null
                : new RouterStatus.Peer(heard.address(), heard.priority(), heard.intervalNanos(), heard.receivedAt());
        final long masterDown = instance == null ? 0 : Timing.masterDownInterval(instance.config().version(),
                state.priority(), state.masterAdverIntervalNanos());
        return new RouterStatus(managed.admin, protocol,
                state == null || state.lastTransitionAt() == RouterState.NOT_ARMED ? null : state.previousState(),
                since, reason, managed.plumbing == null ? null : managed.plumbing.vnic(),
                instance == null ? null : instance.config().primaryAddress(), peer, masterDown,
                statistics(managed));
    }

    /** show-router -x's REASON for an online router: the last transition, then why its priority is lowered. */
    private static String withCauses(final String reason, final Managed managed) {
        if (managed.reduction.causes().isEmpty()) {
            return reason;
        }
        return reason + "; priority " + managed.effectivePriority() + " = " + managed.spec.priority() + " - "
                + managed.reduction.amount() + " (" + String.join("; ", managed.reduction.causes()) + ")";
    }

    private RouterStatus.Statistics statistics(final Managed managed) {
        final RouterInstance instance = managed.instance;
        long sent = managed.sentBefore;
        long received = managed.receivedBefore;
        long transitions = managed.transitionsBefore;
        final LinkedHashMap<String, Long> drops = new LinkedHashMap<>();
        // Stage-1 drops happen before the VRID is known: the link's counters are shown with each router on it.
        final LinkChannel channel = channels.get(new ChannelKey(managed.spec.link(), managed.spec.family()));
        for (final Verdict verdict : Verdict.values()) {
            if (verdict.accepted()) {
                continue;
            }
            long count = managed.dropsBefore.get(verdict);
            if (instance != null) {
                count += instance.verdicts().get(verdict);
            }
            if (channel != null) {
                count += channel.linkVerdicts().get(verdict);
            }
            if (count > 0) {
                drops.put(verdict.counterName(), count);
            }
        }
        if (instance != null) {
            sent += instance.counters().advertisementsSent();
            received += instance.counters().advertisementsReceived();
            transitions += instance.counters().transitions();
        }
        final HookRunner.Counts hookCounts = hooks.counts(managed.spec.name());
        return new RouterStatus.Statistics(sent, received, transitions, drops, hookCounts.runs(),
                hookCounts.failures());
    }

    // -------------------------------------------------------------------------------------------------
    // Start-up reconciliation and shutdown
    // -------------------------------------------------------------------------------------------------

    /**
     * Removes VNICs a previous run left that no configured router claims (its router was deleted while the
     * daemon was down): an address nobody runs VRRP for must not stay plumbed. Call after the routers were
     * applied; VNICs of configured routers were adopted (and set down) by their plumbing.
     */
    public List<String> removeLeftovers() {
        try {
            return onLoop(() -> {
                final List<String> removed = new ArrayList<>();
                final List<String> ours = routers.values().stream().filter(m -> m.plumbing != null)
                        .map(m -> m.plumbing.vnic()).toList();
                for (final Link link : netlink.links()) {
                    if (RouterPlumbing.isVnicName(link.name()) && "macvlan".equals(link.kind())
                            && !ours.contains(link.name())) {
                        netlink.deleteLink(link.index());
                        removed.add(link.name());
                        Log.info("removed " + link.name() + ", a VNIC of a previous run that no router uses");
                    }
                }
                return removed;
            });
        } catch (ControlException e) {
            Log.error("start-up reconciliation: " + e.getMessage());
            return List.of();
        }
    }

    /**
     * SIGTERM: every router leaves (a Master sends priority 0 and takes its VNIC down). The VNICs and their
     * addresses stay plumbed, down: services bound to them keep running, and the next start adopts them.
     */
    public void shutdown(final String reason) {
        try {
            onLoop(() -> {
                // Every priority-0 advertisement first, then the VNICs down (each down waits for the kernel).
                final List<RouterInstance> leaving = new ArrayList<>();
                for (final Managed managed : routers.values()) {
                    if (managed.instance != null && managed.instance.state().state() != State.INITIALIZE) {
                        managed.instance.deferKernelWork(true);
                        stopInstance(managed, AdminState.OFFLINE, reason);
                        leaving.add(managed.instance);
                    }
                }
                for (final RouterInstance instance : leaving) {
                    instance.deferKernelWork(false).forEach(Runnable::run);
                }
                return null;
            });
        } catch (ControlException e) {
            Log.error("shutdown: " + e.getMessage());
        }
        final TimerLateness lateness = loop.lateness();
        if (lateness.count() > 0) {
            Log.info("timers: " + lateness.summary());
        }
    }

    /**
     * {@code vrrpd --release-addresses}: without a running daemon, takes every VNIC of this namespace down and
     * removes the real-MAC routers' addresses from their links. Idempotent.
     *
     * @return what was released, e.g. {@code vr4-51-2} or {@code 192.0.2.100/24 on eth0}
     */
    public static List<String> releaseAddresses(final List<RouterSpec> realMacRouters) throws IOException {
        final List<String> released = new ArrayList<>();
        try (Rtnetlink netlink = Rtnetlink.open()) {
            for (final Link link : netlink.links()) {
                if (RouterPlumbing.isVnicName(link.name()) && "macvlan".equals(link.kind()) && link.isUp()) {
                    netlink.setLinkUp(link.index(), false);
                    released.add(link.name());
                }
            }
            for (final RouterSpec spec : realMacRouters) {
                final Optional<Link> link = netlink.findLink(spec.link());
                if (link.isEmpty()) {
                    continue;
                }
                for (final LinkAddress present : netlink.addresses(link.get().index())) {
                    if (spec.addresses().contains(present.prefix())) {
                        netlink.deleteAddress(link.get().index(), present.prefix());
                        released.add(present.prefix() + " on " + spec.link());
                    }
                }
            }
        }
        return released;
    }

    @Override
    public void close() {
        running = false;
        try {
            monitorThread.join(2 * MONITOR_POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            onLoop(() -> {
                channels.values().forEach(LinkChannel::close);
                channels.clear();
                return null;
            });
        } catch (ControlException e) {
            Log.error("close: " + e.getMessage());
        }
        loop.close();
        monitor.close();
        netlink.close();
    }

    // -------------------------------------------------------------------------------------------------
    // Reconciliation: spec + link -> admin state, plumbing, instance (loop thread)
    // -------------------------------------------------------------------------------------------------

    /** Re-evaluates a router, then the other members of its sync group (its state may hold or release them). */
    private void reconcile(final Managed managed) {
        reconcileOne(managed);
        reconcileGroup(managed.spec.syncGroup(), managed.spec.name());
    }

    /** Re-evaluates every member of {@code group} but {@code except}; nothing without a group. */
    private void reconcileGroup(final String group, final String except) {
        if (group.isEmpty()) {
            return;
        }
        for (final Managed member : List.copyOf(routers.values())) {
            if (member.spec.syncGroup().equals(group) && !member.spec.name().equals(except)) {
                reconcileOne(member);
            }
        }
    }

    private List<SyncGroup.Member> groupOf(final Managed managed) {
        final String group = managed.spec.syncGroup();
        if (group.isEmpty()) {
            return List.of();
        }
        return routers.values().stream().filter(m -> m.spec.syncGroup().equals(group)).map(Managed::asMember)
                .toList();
    }

    private void reconcileOne(final Managed managed) {
        final RouterSpec spec = managed.spec;
        managed.held = false; // until the group check below: any fault of its own comes first
        managed.reduction = SyncGroup.reduction(managed.asMember(), groupOf(managed));
        if (!spec.enabled()) {
            stopInstance(managed, AdminState.DISABLED, "disabled by the operator");
            setAdmin(managed, AdminState.DISABLED, "disabled by the operator");
            ensurePlumbingIfLinkExists(managed);
            return;
        }
        if (managed.health.flapping()) {
            final String why = "dependency flapping: " + managed.health.flapCause() + " (vrrpadm clear-router "
                    + spec.name() + " when it is fixed)";
            stopInstance(managed, AdminState.MAINTENANCE, why);
            setAdmin(managed, AdminState.MAINTENANCE, why);
            ensurePlumbingIfLinkExists(managed);
            return;
        }
        if (!managed.health.hardOk()) {
            // Offline: a Master leaves with priority 0, so a host whose service is healthy takes over after
            // Skew_Time. The addresses stay plumbed (bind-ready) so the service can start and bind them.
            final String why = "dependency unmet: " + managed.health.unmet();
            stopInstance(managed, AdminState.OFFLINE, why);
            setAdmin(managed, AdminState.OFFLINE, why);
            ensurePlumbingIfLinkExists(managed);
            return;
        }
        final Optional<Link> found = findLink(spec.link());
        if (found.isEmpty()) {
            destroyInstance(managed, "link " + spec.link() + " is gone");
            forgetPlumbing(managed);
            setAdmin(managed, AdminState.OFFLINE, "link " + spec.link() + " does not exist");
            return;
        }
        final Link link = found.get();
        if (!ensurePlumbing(managed, link)) {
            return;
        }
        if (!link.isUp() || !link.hasCarrier()) {
            final String why = "link " + spec.link() + (link.isUp() ? " has no carrier" : " is down");
            stopInstance(managed, AdminState.OFFLINE, why);
            setAdmin(managed, AdminState.OFFLINE, why);
            return;
        }
        final IpAddress primary = primaryAddress(link, spec);
        if (primary == null) {
            final String why = "link " + spec.link() + " has no " + (spec.family() == AddressFamily.IPV4
                    ? "IPv4 address" : "IPv6 link-local address") + " to send advertisements from";
            stopInstance(managed, AdminState.OFFLINE, why);
            setAdmin(managed, AdminState.OFFLINE, why);
            return;
        }
        final Optional<String> hold = SyncGroup.holdReason(managed.asMember(), groupOf(managed));
        if (hold.isPresent()) {
            // keepalived's sync group FAULT: a Master leaves with priority 0, so the other host takes every
            // member's addresses together. The addresses stay plumbed (bind-ready) as for any offline router.
            stopInstance(managed, AdminState.OFFLINE, hold.get());
            setAdmin(managed, AdminState.OFFLINE, hold.get());
            managed.held = true;
            return;
        }
        RouterInstance instance = managed.instance;
        if (instance != null && !instance.config().primaryAddress().equals(primary)) {
            destroyInstance(managed, "primary address changed to " + primary);
            instance = null;
        }
        final RouterConfig config = spec.toConfig(primary).withPriority(managed.effectivePriority());
        final String startReason = managed.admin == AdminState.DISABLED ? "enabled by the operator"
                : managed.reason == null || "starting".equals(managed.reason) ? "router started"
                : "usable again (was: " + managed.reason + ")";
        if (instance == null) {
            final LinkChannel channel = channel(spec, managed);
            if (channel == null) {
                return;
            }
            instance = new RouterInstance(config, loop, channel, managed.plumbing, spec.unicastPeers(), transitions);
            channel.attach(instance);
            managed.instance = instance;
        } else if (!instance.config().equals(config)) {
            instance.reconfigure(config);
        }
        instance.announcements(spec.announceCount(), spec.announceIntervalMs() * 1_000_000L);
        setAdmin(managed, AdminState.ONLINE, null);
        if (instance.state().state() == State.INITIALIZE) {
            instance.handle(new Event.Startup(startReason));
        }
    }

    /** (Re)starts the dependency checks of a router: from "not checked yet" (unmet) until they rise. */
    private void watchDependencies(final Managed managed) {
        final String name = managed.spec.name();
        if (managed.spec.depends().isEmpty()) {
            health.unwatch(name);
            managed.health = Health.OK;
            return;
        }
        final List<Dependency> dependencies = managed.spec.depends().stream().map(Dependency::parse).toList();
        if (managed.instance == null) {
            managed.health = Health.initial(dependencies);
        }
        final HealthMonitor.Settings flapping = new HealthMonitor.Settings(managed.spec.flapCount(),
                Duration.ofMillis(managed.spec.flapWindowMs()));
        health.watch(name, dependencies, flapping, (router, report) -> loop.post(() -> onHealth(router, report)));
    }

    /** A health report (loop thread): re-evaluate the router. */
    private void onHealth(final String name, final Health report) {
        final Managed managed = routers.get(name);
        if (managed == null || managed.health.equals(report)) {
            return;
        }
        final Health was = managed.health;
        managed.health = report;
        reconcile(managed);
        if (was.priorityReduction() != report.priorityReduction()) {
            Log.info("[" + name + "] effective priority " + managed.effectivePriority()
                    + (managed.reduction.causes().isEmpty() ? ""
                    : " (" + String.join("; ", managed.reduction.causes()) + ")"));
        }
    }

    private LinkChannel channel(final RouterSpec spec, final Managed managed) {
        final ChannelKey key = new ChannelKey(spec.link(), spec.family());
        LinkChannel channel = channels.get(key);
        if (channel == null) {
            try {
                channel = new LinkChannel(spec.link(), spec.family(), loop);
            } catch (ErrnoException e) {
                setAdmin(managed, AdminState.OFFLINE, "cannot open the VRRP socket on " + spec.link() + ": "
                        + e.getMessage());
                return null;
            }
            channels.put(key, channel);
        }
        return channel;
    }

    private void ensurePlumbingIfLinkExists(final Managed managed) {
        findLink(managed.spec.link()).ifPresent(link -> ensurePlumbing(managed, link));
    }

    /** The VNIC with its addresses, down (bind-ready): created once per parent link index. */
    private boolean ensurePlumbing(final Managed managed, final Link link) {
        if (managed.plumbing != null && managed.plumbing.parentIndex() == link.index()) {
            return true;
        }
        if (managed.plumbing != null) {
            destroyInstance(managed, "link " + link.name() + " was re-created");
            forgetPlumbing(managed);
        }
        final RouterSpec spec = managed.spec;
        // The VNIC's addresses do not depend on the primary address; a placeholder config carries them.
        final IpAddress placeholder = new IpAddress(spec.family(), spec.family() == AddressFamily.IPV6 ? 0xfe80L << 48 : 0, 0);
        final RouterPlumbing plumbing = new RouterPlumbing(netlink, spec.toConfig(placeholder), spec.link(),
                link.index(), spec.mac() == MacMode.REAL);
        try {
            plumbing.plumb();
        } catch (IOException e) {
            setAdmin(managed, AdminState.OFFLINE, "cannot plumb " + plumbing.vnic() + " on " + link.name() + ": "
                    + e.getMessage());
            return false;
        }
        managed.plumbing = plumbing;
        return true;
    }

    /**
     * Takes a running router to Initialize (a Master sends priority 0 first); keeps it attached. {@code to} is
     * the administrative state it is leaving for (its on_offline hook's VRRPD_ADMIN).
     */
    private static void stopInstance(final Managed managed, final AdminState to, final String reason) {
        final RouterInstance instance = managed.instance;
        if (instance != null && instance.state().state() != State.INITIALIZE) {
            managed.leavingTo = to;
            try {
                instance.handle(new Event.Shutdown(reason));
            } finally {
                managed.leavingTo = null;
            }
        }
    }

    /**
     * Queues the hook of a transition (loop thread): on_master on becoming Master, on_backup on becoming
     * Backup, on_offline on leaving the group. Never waits: {@link HookRunner#submit} only queues.
     */
    private void runHook(final RouterInstance router, final State from, final State to, final String reason) {
        final Managed managed = routers.get(router.config().name());
        if (managed == null) {
            return;
        }
        final RouterSpec spec = managed.spec;
        final String hook;
        final String program;
        switch (to) {
            case MASTER -> {
                hook = "on_master";
                program = spec.onMaster();
            }
            case BACKUP -> {
                hook = "on_backup";
                program = spec.onBackup();
            }
            default -> {
                hook = "on_offline";
                program = spec.onOffline();
            }
        }
        if (program.isEmpty()) {
            return;
        }
        final AdminState admin = to != State.INITIALIZE ? AdminState.ONLINE
                : managed.leavingTo != null ? managed.leavingTo
                : managed.admin == AdminState.ONLINE ? AdminState.OFFLINE : managed.admin;
        final Map<String, String> environment = new LinkedHashMap<>();
        environment.put("VRRPD_ROUTER", spec.name());
        environment.put("VRRPD_VRID", Integer.toString(spec.vrid()));
        environment.put("VRRPD_FAMILY", spec.family().keyword());
        environment.put("VRRPD_STATE", to.display());
        environment.put("VRRPD_PREVIOUS_STATE", from.display());
        environment.put("VRRPD_ADMIN", admin.keyword());
        environment.put("VRRPD_REASON", reason);
        environment.put("VRRPD_ADDRESSES", String.join(",", spec.addresses().stream().map(IpPrefix::toString)
                .toList()));
        hooks.submit(new HookRunner.Job(spec.name(), router.config().logPrefix(), hook, program, spec.hookTimeoutMs(),
                Map.copyOf(environment)));
    }

    /** Stops and forgets the instance, keeping its counters for show-router. */
    private void destroyInstance(final Managed managed, final String reason) {
        final RouterInstance instance = managed.instance;
        if (instance == null) {
            return;
        }
        stopInstance(managed, AdminState.OFFLINE, reason);
        managed.sentBefore += instance.counters().advertisementsSent();
        managed.receivedBefore += instance.counters().advertisementsReceived();
        managed.transitionsBefore += instance.counters().transitions();
        managed.dropsBefore.addAll(instance.verdicts());
        final ChannelKey key = new ChannelKey(instance.channel().link(), instance.channel().family());
        final LinkChannel channel = channels.get(key);
        if (channel != null) {
            channel.detach(instance.config().vrid());
            if (channel.isEmpty()) {
                channel.close();
                channels.remove(key);
            }
        }
        instance.close();
        managed.instance = null;
    }

    private void unplumb(final Managed managed) {
        if (managed.plumbing == null) {
            return;
        }
        try {
            managed.plumbing.unplumb();
        } catch (IOException e) {
            Log.error("[" + managed.spec.name() + "] could not remove " + managed.plumbing.vnic() + ": "
                    + e.getMessage());
        }
        managed.plumbing = null;
    }

    /** The parent link vanished: its macvlans went with it; nothing to delete. */
    private static void forgetPlumbing(final Managed managed) {
        managed.plumbing = null;
    }

    private void setAdmin(final Managed managed, final AdminState admin, final String reason) {
        if (managed.admin != admin || !Objects.equals(managed.reason, reason)) {
            if (managed.admin != admin) {
                Log.info("[" + managed.spec.name() + "] " + managed.admin + " -> " + admin
                        + (reason == null ? "" : " (" + reason + ")"));
                managed.adminSince = System.nanoTime();
            }
            managed.admin = admin;
            managed.reason = reason;
        }
    }

    /**
     * RFC 5798 §5.1.1.1/§5.1.2.1: IPv4 advertisements come from the link's primary IPv4 address (its first
     * non-virtual one), IPv6 ones from its link-local address. Tentative (DAD) addresses cannot be used yet.
     */
    private IpAddress primaryAddress(final Link link, final RouterSpec spec) {
        for (final LinkAddress address : addressesOf(link.index())) {
            final IpAddress ip = address.prefix().address();
            if (ip.family() != spec.family() || address.isTentative()
                    || spec.addresses().stream().anyMatch(p -> p.address().equals(ip))) {
                continue;
            }
            if (spec.family() == AddressFamily.IPV4 || ip.isLinkLocal()) {
                return ip;
            }
        }
        return null;
    }

    private Optional<Link> findLink(final String name) {
        try {
            return netlink.findLink(name);
        } catch (IOException e) {
            Log.error("netlink: cannot look up link " + name + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private List<LinkAddress> addressesOf(final int index) {
        try {
            return netlink.addresses(index);
        } catch (IOException e) {
            Log.error("netlink: cannot list the addresses of link " + index + ": " + e.getMessage());
            return List.of();
        }
    }

    private List<String> linkNames() {
        try {
            return netlink.links().stream().filter(l -> !l.isLoopback() && !RouterPlumbing.isVnicName(l.name()))
                    .map(Link::name).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    // -------------------------------------------------------------------------------------------------
    // Link and address events
    // -------------------------------------------------------------------------------------------------

    private void watchLinks() {
        while (running) {
            try {
                monitor.poll(MONITOR_POLL_MS, event -> loop.post(() -> onLinkEvent(event)));
            } catch (ErrnoException e) {
                if (running) {
                    Log.error("netlink monitor: " + e.getMessage());
                    try {
                        Thread.sleep(MONITOR_POLL_MS);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }

    /** Re-evaluates the routers a link or address event may concern. Loop thread. */
    private void onLinkEvent(final RtnetlinkEvent event) {
        switch (event) {
            case RtnetlinkEvent.LinkChanged changed -> reconcileLink(changed.link().name(), changed.link().index());
            case RtnetlinkEvent.LinkRemoved removed -> {
                vnicRemoved(removed.link());
                reconcileLink(removed.link().name(), removed.link().index());
            }
            case RtnetlinkEvent.AddressAdded added -> reconcileLink(null, added.address().index());
            case RtnetlinkEvent.AddressRemoved removed -> reconcileLink(null, removed.address().index());
            case RtnetlinkEvent.Overrun overrun -> {
                Log.warn("netlink monitor overrun: events were lost; re-reading every router's link");
                List.copyOf(routers.values()).forEach(this::reconcile);
            }
        }
    }

    /**
     * Someone deleted a router's VNIC (an operator's {@code ip link del}, a network script): the router cannot
     * hold its addresses any more. It leaves the group (a Master sends priority 0, so a Backup takes over at
     * once instead of after Master_Down_Interval), and reconciliation plumbs a new VNIC and starts it again.
     */
    private void vnicRemoved(final Link link) {
        for (final Managed managed : List.copyOf(routers.values())) {
            final RouterPlumbing plumbing = managed.plumbing;
            if (plumbing != null && plumbing.vnic().equals(link.name()) && !plumbing.vnic().equals(managed.spec.link())) {
                Log.warn("[" + managed.spec.name() + "] " + link.name() + " was deleted under the router; plumbing it"
                        + " again");
                destroyInstance(managed, link.name() + " was deleted");
                forgetPlumbing(managed);
                reconcile(managed);
            }
        }
    }

    private void reconcileLink(final String name, final int index) {
        for (final Managed managed : List.copyOf(routers.values())) {
            final boolean byName = managed.spec.link().equals(name);
            final boolean byIndex = managed.plumbing != null && managed.plumbing.parentIndex() == index;
            if (byName || byIndex) {
                reconcile(managed);
            }
        }
    }

    // -------------------------------------------------------------------------------------------------

    private <T> T onLoop(final Callable<T> task) throws ControlException {
        try {
            return loop.call(task, CALL_TIMEOUT_MS);
        } catch (ControlException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ControlException(e.getMessage(), e);
        }
    }

    /** For tests and show: the names of routers this runtime runs. */
    public List<String> names() {
        try {
            return onLoop(() -> List.copyOf(routers.keySet()));
        } catch (ControlException e) {
            return List.of();
        }
    }
}
