package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.MacMode;
import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.Link;
import io.vrrpd.linux.Rtnetlink;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.State;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The administrative-state policy of {@link LinuxRouterRuntime}: a router's spec, health and link decide
 * whether it is disabled, in maintenance, offline or online ({@link #reconcile}), and this class plumbs its
 * addresses, opens its channel and starts or stops its VRRP instance to match. Loop thread only.
 *
 * <p>Once the daemon is stopping ({@link #stop}), nothing is re-evaluated any more: a link or address event
 * after SIGTERM (the VNICs going down cause some) must not start a router that just left the group.
 */
final class Reconciler {
    private final Map<String, Managed> routers;
    private final RouterChannels channels;
    private final LinkView links;
    private final Rtnetlink netlink;
    private final VrrpLoop loop;
    /** Real-MAC routers' parent links: one address dump per link and loop round, shared. */
    private final ParentLinkAddresses parentAddresses;
    private final RouterInstance.Listener transitions;
    private boolean stopping;

    Reconciler(final Map<String, Managed> routers, final RouterChannels channels, final LinkView links,
               final Rtnetlink netlink, final VrrpLoop loop, final RouterInstance.Listener transitions) {
        this(routers, channels, links, loop, transitions, new ParentLinkAddresses(netlink, loop));
    }

    /** @param parentAddresses the links' address snapshots, shared with {@code links} (the daemon: followed) */
    Reconciler(final Map<String, Managed> routers, final RouterChannels channels, final LinkView links,
               final VrrpLoop loop, final RouterInstance.Listener transitions,
               final ParentLinkAddresses parentAddresses) {
        this.routers = routers;
        this.channels = channels;
        this.links = links;
        this.netlink = parentAddresses.netlink();
        this.loop = loop;
        this.transitions = transitions;
        this.parentAddresses = parentAddresses;
    }

    /** The daemon is stopping: from now on {@link #reconcile} changes nothing. */
    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    /** Re-evaluates a router, then the other members of its sync group (its state may hold or release them). */
    void reconcile(final Managed managed) {
        reconcileOne(managed);
        reconcileGroup(managed.spec.syncGroup(), managed.spec.name());
    }

    /**
     * Re-evaluates every router {@code which} selects (asked just before its turn), with each link and address
     * list read once for all of them ({@link LinkView#pass}): a link or address event concerns every router on
     * the link.
     */
    void reconcileWhere(final Predicate<Managed> which) {
        links.pass(() -> {
            for (final Managed managed : List.copyOf(routers.values())) {
                if (which.test(managed)) {
                    reconcile(managed);
                }
            }
        });
    }

    /** Links named by events not yet taken (loop thread only). */
    private final java.util.Set<String> pendingLinkNames = new java.util.HashSet<>();
    /** Link indexes named by events not yet taken (loop thread only). */
    private final java.util.Set<Integer> pendingLinkIndexes = new java.util.HashSet<>();
    private boolean linkPassPosted;

    /**
     * A link or address event (link {@code name}, or null for an address event, and its index): re-evaluates the
     * routers on that link after the work already queued on the loop, in one pass with every link event that
     * queues up meanwhile. 1000 Masters coming up add 1000 addresses; when the loop is busy their events wait
     * behind each other, and one pass per event re-read the link and dumped every address each time (2.3 GB of
     * netlink garbage in the first 30 s at 1000 routers). A pass reads the kernel's state as it is then, so
     * taking several events at once loses none. Loop thread.
     */
    void reconcileLinkSoon(final String name, final int index) {
        if (name != null) {
            pendingLinkNames.add(name);
        }
        pendingLinkIndexes.add(index);
        if (!linkPassPosted) {
            linkPassPosted = true;
            loop.post(this::reconcilePendingLinks);
        }
    }

    private void reconcilePendingLinks() {
        linkPassPosted = false;
        final java.util.Set<String> names = java.util.Set.copyOf(pendingLinkNames);
        final java.util.Set<Integer> indexes = java.util.Set.copyOf(pendingLinkIndexes);
        pendingLinkNames.clear();
        pendingLinkIndexes.clear();
        reconcileWhere(managed -> names.contains(managed.spec.link())
                || managed.plumbing != null && indexes.contains(managed.plumbing.parentIndex()));
    }

    /** Re-evaluates every member of {@code group} but {@code except}; nothing without a group. */
    void reconcileGroup(final String group, final String except) {
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
        if (stopping) {
            return; // SIGTERM: every router left the group; an event now must not start one again
        }
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
        final Optional<Link> found = links.find(spec.link());
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
        final IpAddress primary = links.primaryAddress(link, spec);
        if (primary == null) {
            final String why = "link " + spec.link() + " has no " + (spec.family() == AddressFamily.IPV4
                    ? "IPv4 address" : "IPv6 link-local address") + " to send advertisements from";
            stopInstance(managed, AdminState.OFFLINE, why);
            setAdmin(managed, AdminState.OFFLINE, why);
            return;
        }
        final IpAddress unicastSource = links.unicastSource(link, spec);
        if (unicastSource == null && LinkView.needsGlobalSource(spec)) {
            final String why = "link " + spec.link() + " has no global IPv6 address to send to unicast peer "
                    + spec.unicastPeers().stream().filter(p -> !p.isLinkLocal()).findFirst().orElseThrow() + " from";
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
        if (instance != null && !java.util.Objects.equals(instance.unicastSource(), unicastSource)) {
            destroyInstance(managed, "unicast source address changed to " + unicastSource);
            instance = null;
        }
        final RouterConfig config = spec.toConfig(primary).withPriority(managed.effectivePriority());
        final String startReason = managed.admin == AdminState.DISABLED ? "enabled by the operator"
                : managed.reason == null || "starting".equals(managed.reason) ? "router started"
                : "usable again (was: " + managed.reason + ")";
        if (instance == null) {
            final LinkChannel channel = channel(spec, link, managed);
            if (channel == null) {
                return;
            }
            instance = new RouterInstance(config, loop, channel, managed.plumbing, spec.unicastPeers(), unicastSource,
                    transitions);
            channel.attach(instance);
            managed.attach(instance, channel);
        } else if (!instance.config().equals(config)) {
            instance.reconfigure(config);
        }
        instance.announcements(spec.announceCount(), spec.announceIntervalMs() * 1_000_000L);
        setAdmin(managed, AdminState.ONLINE, null);
        if (instance.state().state() == State.INITIALIZE) {
            instance.handle(new Event.Startup(startReason));
        }
    }


    private LinkChannel channel(final RouterSpec spec, final Link link, final Managed managed) {
        try {
            return channels.open(spec.link(), link.index(), spec.family());
        } catch (ErrnoException e) {
            setAdmin(managed, AdminState.OFFLINE, "cannot open the VRRP socket on " + spec.link() + ": "
                    + e.getMessage());
            return null;
        }
    }

    private void ensurePlumbingIfLinkExists(final Managed managed) {
        links.find(managed.spec.link()).ifPresent(link -> ensurePlumbing(managed, link));
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
        final RouterPlumbing plumbing = new RouterPlumbing(parentAddresses, plumbingConfig(spec), spec.link(),
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

    /** The VNIC's addresses do not depend on the primary address; a placeholder config carries them. */
    private static RouterConfig plumbingConfig(final RouterSpec spec) {
        final IpAddress placeholder = new IpAddress(spec.family(), spec.family() == AddressFamily.IPV6 ? 0xfe80L << 48 : 0, 0);
        return spec.toConfig(placeholder);
    }

    /**
     * Gives a plumbed router its spec's new virtual addresses in place ({@link RouterPlumbing#readdress}), on its
     * VNIC or, in real-MAC mode, on its parent link: a Master stays Master. False when it cannot (the address owner,
     * not plumbed, the kernel refused): the caller re-creates the router then.
     */
    boolean readdress(final Managed managed) {
        final RouterPlumbing plumbing = managed.plumbing;
        final RouterSpec spec = managed.spec;
        if (plumbing == null) {
            return false;
        }
        final RouterConfig next = plumbingConfig(spec);
        if (!RouterPlumbing.readdressable(plumbing.config(), next)) {
            return false;
        }
        try {
            plumbing.readdress(next);
            return true;
        } catch (IOException e) {
            Log.warn("[" + spec.name() + "] could not change the addresses of " + plumbing.vnic() + " in place ("
                    + e.getMessage() + "); re-creating the router");
            return false;
        }
    }

    /**
     * Takes a running router to Initialize (a Master sends priority 0 first); keeps it attached. {@code to} is
     * the administrative state it is leaving for (its on_offline hook's VRRPD_ADMIN).
     */
    static void stopInstance(final Managed managed, final AdminState to, final String reason) {
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

    /** Stops and forgets the instance, keeping its counters for show-router. */
    void destroyInstance(final Managed managed, final String reason) {
        final RouterInstance instance = managed.instance;
        if (instance == null) {
            return;
        }
        stopInstance(managed, AdminState.OFFLINE, reason);
        final LinkChannel channel = managed.channel;
        managed.detach(); // its counters stay with the router (show-router, /metrics)
        if (channel != null) {
            channels.release(channel, instance.config().vrid());
        }
        instance.close();
    }

    void unplumb(final Managed managed) {
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
    static void forgetPlumbing(final Managed managed) {
        if (managed.plumbing != null) {
            managed.plumbing.forget();
        }
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
}
