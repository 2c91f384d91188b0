package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.BrokenRouterFile;
import io.vrrpd.daemon.config.Dependency;
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
import io.vrrpd.linux.RtnetlinkMonitor;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.fsm.State;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * The routers running on this host's Linux: the {@link RouterRuntime} the control plane drives. Every
 * router's state, its kernel plumbing and every netlink request live on the single {@link VrrpLoop}
 * thread; control requests, link events and signals reach it by {@link VrrpLoop#call}/{@link VrrpLoop#post}.
 *
 * <p>Split by concern: this class takes the control plane's requests onto the loop, {@link LinkEvents} the
 * kernel's link and address events; {@link Reconciler} holds the admin-state policy and the plumbing that follows it, {@link RouterChannels} the
 * sockets (per link index), {@link LinkView} the netlink look-ups, {@link RealMacAddresses} which addresses on a
 * parent link are vrrpd's, {@link RouterStatusView} show-router and {@link TransitionHooks} the hooks' jobs.
 *
 * <p>A router's administrative state follows from its spec and its link, re-evaluated
 * ({@link Reconciler#reconcile}) whenever either changes:
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
    /** The shutdown's kernel step (every VNIC down): under the unit's TimeoutStopSec=150 with room to spare. */
    private static final long SHUTDOWN_KERNEL_MS = 100_000;

    private final VrrpLoop loop;
    private final Rtnetlink netlink;
    /** The kernel's link and address events onto the loop. */
    private final LinkEvents linkEvents;
    /** Loop thread only. */
    private final Map<String, Managed> routers = new TreeMap<>();
    /**
     * {@link #routers}' values for readers on other threads (/metrics): replaced (copy on write) by the loop
     * when a router is created or deleted, never per packet; the readers read each router's volatile fields.
     */
    private volatile List<Managed> published = List.of();
    /** Loop thread only. */
    private final RouterChannels channels;
    private final LinkView links;
    /** The admin-state policy and the plumbing that follows it. Loop thread only. */
    private final Reconciler reconciler;
    /** Accept_Mode False in the kernel: follows the specs, not the states. Loop thread only. */
    private final AcceptModeFilter acceptMode = AcceptModeFilter.ofKernel();
    private final RouterInstance.Listener listener;
    private final HealthMonitor health;
    private final HookRunner hooks;
    /** The loop's listener for every instance: the caller's, then the hooks. */
    private final RouterInstance.Listener transitions;

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
        this.listener = listener;
        this.channels = new RouterChannels(loop);
        // One address snapshot per link, kept current by the monitor's events (LinkEvents feeds it first), for the
        // routers' loads, plumbing and reconcile passes alike (docs/BENCHMARKS.md, "Start-up peak").
        final ParentLinkAddresses addresses = new ParentLinkAddresses(netlink, loop).follow();
        this.links = new LinkView(netlink, addresses);
        this.reconciler = new Reconciler(routers, channels, links, loop, transitions, addresses);
        this.linkEvents = new LinkEvents(monitor, loop, routers, reconciler, addresses);
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
        runtime.linkEvents.start();
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
        final Optional<Link> link = links.find(spec.link());
        if (link.isEmpty()) {
            throw new ControlException("link: " + spec.link() + " does not exist (allowed: "
                    + String.join(", ", links.routerLinkNames()) + ")");
        }
        if (spec.owner()) {
            // The kernel's answer now, not the snapshot: an operator who just added the address and creates the
            // router must not be refused because its event is still on the way (one dump per owner created).
            final List<IpPrefix> own = links.readAddresses(link.get().index()).stream().map(LinkAddress::prefix)
                    .toList();
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
            published = List.copyOf(routers.values());
            watchDependencies(managed);
            syncAcceptMode(); // before it can become Master
            reconciler.reconcile(managed);
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
            if (sameRouterOtherAddresses(old, spec) && reconciler.readdress(existing)) {
                // Only the virtual addresses changed: in place, a Master stays Master (keepalived does the same on
                // a reload); re-creating it cost two handovers, or a Master_Down_Interval with no peer.
                Log.info("[" + spec.name() + "] virtual addresses changed in place: " + old.addresses() + " -> "
                        + spec.addresses());
            } else {
                // Another VRID, link, family, version or MAC mode is another router on the wire (as is a new
                // address set for the address owner, whose addresses are the host's own).
                reconciler.destroyInstance(existing, "reconfigured");
                reconciler.unplumb(existing);
            }
        }
        syncAcceptMode();
        reconciler.reconcile(existing);
        if (!old.syncGroup().equals(spec.syncGroup())) {
            reconciler.reconcileGroup(old.syncGroup(), spec.name()); // the group it left may be released
        }
    }

    private void syncAcceptMode() {
        acceptMode.sync(routers.values().stream().map(m -> m.spec).toList());
    }

    /** The fields that make a router what it is on the wire and in the kernel. */
    private static boolean sameIdentity(final RouterSpec a, final RouterSpec b) {
        return sameRouterOtherAddresses(a, b) && a.addresses().equals(b.addresses());
    }

    /** {@link #sameIdentity} but for the virtual addresses: a candidate for {@link Reconciler#readdress}. */
    private static boolean sameRouterOtherAddresses(final RouterSpec a, final RouterSpec b) {
        return a.vrid() == b.vrid() && a.link().equals(b.link()) && a.family() == b.family()
                && a.version() == b.version() && a.mac() == b.mac() && a.unicastPeers().equals(b.unicastPeers());
    }

    @Override
    public void remove(final String name) {
        try {
            onLoop(() -> {
                final Managed managed = routers.remove(name);
                published = List.copyOf(routers.values());
                health.unwatch(name);
                if (managed != null) {
                    reconciler.destroyInstance(managed, "router deleted");
                    reconciler.unplumb(managed);
                    hooks.forget(name);
                    Log.info("[" + name + "] deleted");
                    reconciler.reconcileGroup(managed.spec.syncGroup(), name); // a deleted member holds nobody
                    syncAcceptMode();
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
                throw new ControlException(ControlException.Kind.NOT_FOUND, "router '" + name + "' does not exist");
            }
            if (managed.admin != AdminState.MAINTENANCE) {
                throw new ControlException(ControlException.Kind.CONFLICT, "router '" + name + "' is not in maintenance (it is " + managed.admin
                        + "): nothing to clear");
            }
            health.clearFlapping(name);
            final Health was = managed.health;
            managed.health = new Health(was.hardOk(), was.unmet(), was.priorityReduction(), was.causes(), false, null);
            managed.admin = AdminState.OFFLINE;
            managed.reason = "cleared by the operator";
            reconciler.reconcile(managed);
            return null;
        });
    }

    @Override
    public RouterStatus status(final String name) {
        try {
            return onLoop(() -> RouterStatusView.of(routers.get(name), channels, hooks));
        } catch (ControlException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Every router's numbers for /metrics, in name order, read on the caller's thread from what the loop
     * publishes: no task is posted to the loop and nothing here waits for it (it may be busy with a flood; a
     * scrape must not add to its work nor wait behind it).
     */
    public List<RouterSample> samples() {
        final List<Managed> now = published;
        final List<RouterSample> result = new ArrayList<>(now.size());
        for (final Managed managed : now) {
            result.add(RouterSamples.of(managed, hooks));
        }
        return result;
    }

    /** The links' own drops (before a VRID is known), one entry per link and family in use. Any thread. */
    public List<LinkDrops> linkDrops() {
        return RouterSamples.links(published);
    }

    // -------------------------------------------------------------------------------------------------
    // Start-up reconciliation and shutdown
    // -------------------------------------------------------------------------------------------------

    /**
     * Removes VNICs a previous run left that no configured router claims (its router was deleted while the
     * daemon was down): an address nobody runs VRRP for must not stay plumbed. Call after the routers were
     * applied; VNICs of configured routers were adopted (and set down) by their plumbing. A VNIC that a broken
     * router file could own ({@link BrokenRouterFile#couldOwn}) is kept, set down, with its addresses: services
     * stay bound to them while the operator fixes the file (issue 12), and the router adopts it once it loads.
     */
    public List<String> removeLeftovers(final List<BrokenRouterFile> broken) {
        try {
            return onLoop(() -> {
                syncAcceptMode(); // with no router in accept_mode = false: a previous run's table goes
                final List<String> ours = routers.values().stream().filter(m -> m.plumbing != null)
                        .map(m -> m.plumbing.vnic()).toList();
                return Leftovers.remove(netlink, ours, broken);
            });
        } catch (ControlException e) {
            Log.error("start-up reconciliation: " + e.getMessage());
            return List.of();
        }
    }

    /**
     * SIGTERM: every router leaves (a Master sends priority 0 and takes its VNIC down). The VNICs and their
     * addresses stay plumbed, down: services bound to them keep running, and the next start adopts them.
     *
     * <p>Two steps on the loop, each bounded: every priority-0 advertisement first (quick: one send per Master,
     * {@value #CALL_TIMEOUT_MS} ms), then the kernel work (a netlink round trip per VNIC: about 10 ms each on a
     * loaded host, so 1000 routers took longer than the first bound), bounded by {@value #SHUTDOWN_KERNEL_MS} ms,
     * below the unit's TimeoutStopSec=150. A step that runs out of time is logged and the shutdown goes on: the
     * caller always returns, and whatever stayed up is released by ExecStopPost / the crash guard.
     */
    public void shutdown(final String reason) {
        List<Runnable> kernelWork = List.of();
        try {
            kernelWork = onLoop(() -> {
                // From here on no event re-evaluates a router: the VNICs going down (and real-MAC addresses
                // leaving) cause address events that would otherwise start a router that just left.
                reconciler.stop();
                final List<RouterInstance> leaving = new ArrayList<>();
                for (final Managed managed : routers.values()) {
                    if (managed.instance != null && managed.instance.state().state() != State.INITIALIZE) {
                        managed.instance.deferKernelWork(true);
                        Reconciler.stopInstance(managed, AdminState.OFFLINE, reason);
                        leaving.add(managed.instance);
                    }
                }
                final List<Runnable> work = new ArrayList<>();
                for (final RouterInstance instance : leaving) {
                    work.addAll(instance.deferKernelWork(false));
                }
                return work;
            });
        } catch (ControlException e) {
            Log.error("shutdown: priority 0 not sent by every Master: " + e.getMessage());
        }
        final List<Runnable> work = kernelWork;
        try {
            loopCall(() -> {
                work.forEach(Runnable::run);
                return null;
            }, SHUTDOWN_KERNEL_MS);
        } catch (ControlException e) {
            Log.error("shutdown: VNICs not all taken down: " + e.getMessage());
        }
        final TimerLateness lateness = loop.lateness();
        if (lateness.count() > 0) {
            Log.info("timers: " + lateness.summary());
        }
    }

    @Override
    public void close() {
        linkEvents.stop();
        try {
            onLoop(() -> {
                channels.closeAll();
                return null;
            });
        } catch (ControlException e) {
            Log.error("close: " + e.getMessage());
        }
        loop.close();
        linkEvents.close();
        netlink.close();
    }

    /**
     * (Re)starts the dependency checks of a router. A router not running starts them from "not checked yet"
     * (unmet) until they rise; a running one (modify-router, reload) keeps the verdicts it has, and a check it
     * did not have is presumed met until it fails: only a failing check takes it down (issue 12, hitless).
     */
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
        health.watch(name, dependencies, flapping, managed.instance != null,
                (router, report) -> loop.post(() -> onHealth(router, report)));
    }

    /** A health report (loop thread): re-evaluate the router. */
    private void onHealth(final String name, final Health report) {
        final Managed managed = routers.get(name);
        if (managed == null || managed.health.equals(report)) {
            return;
        }
        final Health was = managed.health;
        managed.health = report;
        reconciler.reconcile(managed);
        if (was.priorityReduction() != report.priorityReduction()) {
            Log.info("[" + name + "] effective priority " + managed.effectivePriority()
                    + (managed.reduction.causes().isEmpty() ? ""
                    : " (" + String.join("; ", managed.reduction.causes()) + ")"));
        }
    }


    /** Queues the hook of a transition (loop thread); never waits: {@link HookRunner#submit} only queues. */
    private void runHook(final RouterInstance router, final State from, final State to, final String reason) {
        final Managed managed = routers.get(router.config().name());
        if (managed != null) {
            TransitionHooks.jobFor(managed, router, from, to, reason).ifPresent(hooks::submit);
        }
    }

    private <T> T onLoop(final Callable<T> task) throws ControlException {
        return loopCall(task, CALL_TIMEOUT_MS);
    }

    private <T> T loopCall(final Callable<T> task, final long timeoutMillis) throws ControlException {
        try {
            return loop.call(task, timeoutMillis);
        } catch (ControlException | RuntimeException e) {
            throw e;
        } catch (TimeoutException e) {
            throw new ControlException(ControlException.Kind.UNAVAILABLE, e.getMessage(), e);
        } catch (Exception e) {
            throw new ControlException(ControlException.Kind.INTERNAL, e.getMessage(), e);
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
