package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.Link;
import io.vrrpd.linux.LinkAddress;
import io.vrrpd.linux.RtnetlinkEvent;
import io.vrrpd.linux.RtnetlinkMonitor;

import java.util.List;
import java.util.Map;

/**
 * The kernel's link and address events, onto the loop: a thread reads the rtnetlink monitor and posts each event;
 * on the loop, the routers an event may concern are re-evaluated ({@link Reconciler#reconcileLinkSoon}), and a
 * router whose VNIC someone deleted is plumbed again. Split out of {@link LinuxRouterRuntime}, which takes the
 * control plane's requests; the policy itself is the {@link Reconciler}'s.
 */
final class LinkEvents implements AutoCloseable {
    static final int MONITOR_POLL_MS = 250;

    private final RtnetlinkMonitor monitor;
    private final VrrpLoop loop;
    /** The runtime's routers by name. Loop thread only. */
    private final Map<String, Managed> routers;
    private final Reconciler reconciler;
    /** The links' address snapshots: told of every event before any router is re-evaluated for it. */
    private final ParentLinkAddresses addresses;
    private final Thread monitorThread;
    private volatile boolean running = true;

    LinkEvents(final RtnetlinkMonitor monitor, final VrrpLoop loop, final Map<String, Managed> routers,
               final Reconciler reconciler, final ParentLinkAddresses addresses) {
        this.addresses = addresses;
        this.monitor = monitor;
        this.loop = loop;
        this.routers = routers;
        this.reconciler = reconciler;
        this.monitorThread = Thread.ofPlatform().name("vrrp-netlink-monitor").daemon(true).unstarted(this::watch);
    }

    /** Starts reading the monitor. */
    void start() {
        monitorThread.start();
    }

    /** Stops reading (within one poll): no event is posted after it returns, unless the poll outlives the wait. */
    void stop() {
        running = false;
        try {
            monitorThread.join(2 * MONITOR_POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the monitor's socket; after {@link #stop}. */
    @Override
    public void close() {
        monitor.close();
    }

    private void watch() {
        while (running) {
            try {
                monitor.poll(MONITOR_POLL_MS, event -> loop.post(() -> onEvent(event)));
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
    private void onEvent(final RtnetlinkEvent event) {
        switch (event) {
            case RtnetlinkEvent.LinkChanged changed -> {
                addresses.linkEvent(changed.link().index());
                reconcileLink(changed.link().name(), changed.link().index());
            }
            case RtnetlinkEvent.LinkRemoved removed -> {
                addresses.linkEvent(removed.link().index());
                vnicRemoved(removed.link());
                reconcileLink(removed.link().name(), removed.link().index());
            }
            case RtnetlinkEvent.AddressAdded added -> addressEvent(added.address(), true);
            case RtnetlinkEvent.AddressRemoved removed -> addressEvent(removed.address(), false);
            case RtnetlinkEvent.Overrun overrun -> {
                Log.warn("netlink monitor overrun: events were lost; re-reading every router's link");
                addresses.overrun();
                reconciler.reconcileWhere(managed -> true);
            }
        }
    }

    private void addressEvent(final LinkAddress address, final boolean added) {
        addresses.addressEvent(address, added);
        if (concernsRouters(address)) {
            reconcileLink(null, address.index());
        }
    }

    /**
     * Whether an address event can change what the Reconciler decides for the routers on its link. Not for an
     * address vrrpd marked ({@link RealMacAddresses#PROTO}, a real-MAC Master's virtual address): the Reconciler reads
     * a link's addresses only for the advertisement source ({@link LinkView#primaryAddress}, {@link
     * LinkView#unicastSource}), and both skip marked addresses. 1000 real-MAC Masters coming up made 1000 such events,
     * and each one's pass re-evaluated the 250 routers on its link (~0.3 GB of the start's garbage, BENCHMARKS
     * "Start-up peak"). Kernels before 6.1 report no mark: every event is taken, as before.
     */
    static boolean concernsRouters(final LinkAddress address) {
        return address.proto() != RealMacAddresses.PROTO;
    }

    /**
     * Someone deleted a router's VNIC (an operator's {@code ip link del}, a network script): the router cannot
     * hold its addresses any more. It leaves the group (a Master sends priority 0, so a Backup takes over at
     * once instead of after Master_Down_Interval), and reconciliation plumbs a new VNIC and starts it again.
     */
    private void vnicRemoved(final Link link) {
        for (final Managed managed : List.copyOf(routers.values())) {
            final RouterPlumbing plumbing = managed.plumbing;
            // By index as well as name: re-creating a router (modify-router -a) deletes its VNIC and makes a new one
            // under the same name, and the old one's removal can arrive after the new one is up.
            if (plumbing != null && plumbing.vnic().equals(link.name()) && plumbing.vnicIndex() == link.index()
                    && !plumbing.vnic().equals(managed.spec.link())) {
                Log.warn("[" + managed.spec.name() + "] " + link.name() + " was deleted under the router; plumbing it"
                        + " again");
                reconciler.destroyInstance(managed, link.name() + " was deleted");
                Reconciler.forgetPlumbing(managed);
                reconciler.reconcile(managed);
            }
        }
    }

    /** The routers on the link, in one pass with the link events that queue up meanwhile (see Reconciler). */
    private void reconcileLink(final String name, final int index) {
        reconciler.reconcileLinkSoon(name, index);
    }
}
