package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.ArpFrames;
import io.vrrpd.linux.MacAddress;
import io.vrrpd.linux.NdFrames;
import io.vrrpd.linux.PacketSocket;
import io.vrrpd.linux.VrrpSocket;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.VrrpVersion;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.RouterState;
import io.vrrpd.protocol.fsm.RouterStateMachine;
import io.vrrpd.protocol.fsm.TimerKind;
import io.vrrpd.protocol.fsm.Transition;
import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.AdvertisementWriter;
import io.vrrpd.protocol.wire.ReceiveValidator;


/**
 * Runs, once at start-up and on scratch values, every path a router takes only at the moment that matters:
 * becoming Master (state machine, encoding, the first advertisement and gratuitous ARP/NA a Backup never
 * sent) and leaving with priority 0. A Backup that takes over for the first time would otherwise load those
 * classes and link those downcalls on the way — measured as a constant 3-4 ms on every takeover and on
 * SIGTERM's priority-0 advertisement (docs/BENCHMARKS.md).
 */
final class Warmup {
    private static final int ROUNDS = 200;

    private Warmup() {
    }

    static void run() {
        final long start = System.nanoTime();
        for (final AddressFamily family : AddressFamily.values()) {
            VrrpSocket.warmUpSendPath(family);
            for (final VrrpVersion version : VrrpVersion.values()) {
                if (version == VrrpVersion.V2 && family == AddressFamily.IPV6) {
                    continue;
                }
                stateMachine(family, version);
            }
        }
        PacketSocket.warmUpSendPath();
        Log.info("warm-up: Master and shutdown paths exercised in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    private static void stateMachine(final AddressFamily family, final VrrpVersion version) {
        final boolean v4 = family == AddressFamily.IPV4;
        final RouterConfig config = RouterConfig.builder("warm-up", 1, family).version(version)
                .primaryAddress(v4 ? "192.0.2.1" : "fe80::1")
                .virtualAddresses(v4 ? new String[] {"192.0.2.100/24"} : new String[] {"fe80::100/64", "2001:db8::100/64"})
                .build();
        final IpAddress peer = IpAddress.parse(v4 ? "192.0.2.2" : "fe80::2");
        final MacAddress mac = MacAddress.of(family.virtualMac(1));
        final byte[] buffer = new byte[1500];
        final Advertisement view = new Advertisement();
        final ReceiveValidator validator = new ReceiveValidator();
        long now = 0;
        for (int i = 0; i < ROUNDS; i++) {
            RouterState state = RouterState.initial(config);
            state = step(config, state, new Event.Startup("warm-up"), now);
            now += 10_000_000_000L;
            state = step(config, state, new Event.TimerFired(TimerKind.MASTER_DOWN_TIMER), now);
            now += config.advertisementIntervalNanos();
            state = step(config, state, new Event.TimerFired(TimerKind.ADVER_TIMER), now);
            state = step(config, state, new Event.AdvertisementReceived(peer, 50, config.advertisementIntervalNanos()), now);
            state = step(config, state, new Event.Shutdown("warm-up"), now);
            now = takeovers(config, peer, now);
            for (final int priority : new int[] {config.priority(), 0}) {
                final int length = AdvertisementWriter.write(buffer, 0, version, family, 1, priority,
                        config.advertisementIntervalNanos(), config.addresses(), config.checksumForm(),
                        config.primaryAddress(), family.vrrpGroup());
                view.wrap(buffer, 0, length);
                if (validator.checkPacket(view, family, 255, peer, family.vrrpGroup()).accepted()) {
                    ReceiveValidator.checkForRouter(view, peer, config, config.priority());
                }
            }
            for (final var prefix : config.virtualAddresses()) {
                final byte[] frame = v4 ? ArpFrames.gratuitousArp(mac, prefix.address())
                        : NdFrames.unsolicitedNa(mac, prefix.address());
                if (frame.length == 0) {
                    throw new IllegalStateException("empty frame");
                }
            }
        }
    }

    /**
     * A Backup's takeovers as they happen on a LAN, one per reason text (RouterStateMachine.masterDownReason):
     * a Master heard then silent, a Master that released (priority 0), a lower-priority Master preempted — at
     * times that are no whole milliseconds, so the text's duration formatting runs too. Each branch builds its
     * own text before the first advertisement is sent; not run here, its first run would be on a real takeover.
     */
    private static long takeovers(final RouterConfig config, final IpAddress peer, final long start) {
        final long interval = config.advertisementIntervalNanos();
        long now = start;
        for (final int[] heard : new int[][] {{200}, {200, 0}, {50}}) {
            RouterState state = step(config, RouterState.initial(config), new Event.Startup("warm-up"), now);
            for (final int priority : heard) {
                now += 1_234_567L;
                state = step(config, state, new Event.AdvertisementReceived(peer, priority, interval), now);
            }
            now = Math.max(now, state.masterDownTimer()) + 7_654L; // fires just after its deadline, as it would
            state = step(config, state, new Event.TimerFired(TimerKind.MASTER_DOWN_TIMER), now);
            if (state.state() != io.vrrpd.protocol.fsm.State.MASTER) {
                throw new IllegalStateException("warm-up takeover ended " + state.state());
            }
            step(config, state, new Event.Shutdown("warm-up"), now);
        }
        return now;
    }

    private static RouterState step(final RouterConfig config, final RouterState state, final Event event,
                                    final long now) {
        final Transition transition = RouterStateMachine.step(config, state, event, now);
        if (transition.actions() == null) {
            throw new IllegalStateException("no actions");
        }
        return transition.state();
    }
}
