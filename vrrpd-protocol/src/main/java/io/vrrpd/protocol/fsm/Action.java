package io.vrrpd.protocol.fsm;

import io.vrrpd.protocol.IpAddress;

/**
 * What the driver must do after a step, in order. The core decides; the daemon (sockets, netlink, timers)
 * or the simulator carries out. Parameterless actions are singletons so a step that only re-arms a timer
 * allocates little.
 */
public sealed interface Action {

    /** Send one ADVERTISEMENT with this priority (0 on shutdown, §6.4.3). */
    record SendAdvertisement(int priority) implements Action {
        private static final SendAdvertisement[] BY_PRIORITY = new SendAdvertisement[256];

        static {
            for (int p = 0; p < BY_PRIORITY.length; p++) {
                BY_PRIORITY[p] = new SendAdvertisement(p);
            }
        }

        /** The one instance for {@code priority} (0-255): a Master sends one per Adver_Timer. */
        public static SendAdvertisement of(final int priority) {
            return priority >= 0 && priority < BY_PRIORITY.length ? BY_PRIORITY[priority] : new SendAdvertisement(priority);
        }
    }

    /** Arm {@code timer} to fire at {@code deadlineNanos} (monotonic), replacing any earlier deadline. */
    record ArmTimer(TimerKind timer, long deadlineNanos) implements Action {
    }

    /** Disarm {@code timer}. */
    record CancelTimer(TimerKind timer) implements Action {
    }

    /**
     * Make the virtual addresses reachable: this router is now the Master (bring the virtual-MAC interface
     * up, start answering ARP/ND for them).
     *
     * @param acceptTraffic RFC 5798 §6.4.3: a Master "MUST NOT accept packets addressed to the IPvX
     *                      address(es) associated with the virtual router if it is not the IPvX address
     *                      owner, unless Accept_Mode is True"; when false the driver forwards for the
     *                      addresses but drops traffic addressed to them
     */
    record ClaimAddresses(boolean acceptTraffic) implements Action {
    }

    /** Stop answering for the virtual addresses; they stay plumbed and bind-ready (DESIGN.md §1). */
    record ReleaseAddresses() implements Action {
        public static final ReleaseAddresses INSTANCE = new ReleaseAddresses();
    }

    /**
     * Announce the virtual addresses on the link: gratuitous ARP for IPv4, unsolicited Neighbor
     * Advertisements (R, O set; S clear) for IPv6 (§6.4.1 / §6.4.2), so switches and neighbours learn the
     * virtual MAC's new port.
     */
    record Announce() implements Action {
        public static final Announce INSTANCE = new Announce();
    }

    /** The protocol state changed; the driver logs one line, counts it and tells observers. */
    record StateChanged(State from, State to, String reason) implements Action {
    }

    /**
     * While Master, an advertisement from another Master with lower priority (or equal priority and a lower
     * address) arrived: two Masters existed. We stay Master (§6.4.3 discards it) and re-assert ourselves at
     * once; the driver logs and counts the conflict (keepalived #166, #1884 lacked both).
     */
    record MasterConflict(IpAddress peer, int peerPriority) implements Action {
    }
}
