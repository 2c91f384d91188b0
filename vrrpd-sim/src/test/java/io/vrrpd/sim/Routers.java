package io.vrrpd.sim;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.sim.TimelineEntry.StateChange;

import java.util.List;

/** Configurations and timeline look-ups the simulator tests share. */
final class Routers {
    static final long SECOND = 1_000_000_000L;
    static final long MILLI = 1_000_000L;
    static final int VRID = 51;

    private Routers() {
    }

    /** A VRRPv3 IPv4 router on VRID 51 protecting 192.0.2.100/24, 1 s adverts, preempt. */
    static RouterConfig.Builder ipv4(final int priority, final String address) {
        return RouterConfig.builder("vr51", VRID, AddressFamily.IPV4).priority(priority)
                .primaryAddress(address).virtualAddresses("192.0.2.100/24");
    }

    /** A VRRPv2 IPv4 router on VRID 51 protecting 192.0.2.100/24, 1 s adverts, preempt. */
    static RouterConfig.Builder v2(final int priority, final String address) {
        return ipv4(priority, address).version(VrrpVersion.V2);
    }

    /** A VRRPv3 IPv6 router on VRID 51 protecting fe80::51 and 2001:db8::51, 1 s adverts, preempt. */
    static RouterConfig.Builder ipv6(final int priority, final String linkLocal) {
        return RouterConfig.builder("vr51", VRID, AddressFamily.IPV6).priority(priority)
                .primaryAddress(linkLocal).virtualAddresses("fe80::51/64", "2001:db8::51/64");
    }

    static Router only(final Host host) {
        return host.routers().getFirst();
    }

    /** The state changes of the timeline, in order. */
    static List<StateChange> stateChanges(final Simulation simulation) {
        return simulation.timeline().stream()
                .filter(StateChange.class::isInstance).map(StateChange.class::cast).toList();
    }

    /** The transitions to Master of {@code host}'s routers. */
    static List<StateChange> becameMaster(final Simulation simulation, final Host host) {
        return stateChanges(simulation).stream()
                .filter(change -> change.to() == State.MASTER && change.router().host().equals(host.name()))
                .toList();
    }

    /** The single Master of {@code group}; fails with the timeline when there is not exactly one. */
    static Router soleMaster(final Simulation simulation, final GroupKey group) {
        final List<Router> masters = simulation.masters(group);
        if (masters.size() != 1) {
            throw new AssertionError("expected one Master of " + group + ", found " + masters + "\n"
                    + simulation.timelineText());
        }
        return masters.getFirst();
    }
}
