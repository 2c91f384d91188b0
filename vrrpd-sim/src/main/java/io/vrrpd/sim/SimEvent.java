package io.vrrpd.sim;

/**
 * What the event queue holds: everything that happens at a virtual time. A router's {@link TimerSlot} is
 * its own event, so re-arming a timer allocates nothing.
 */
sealed interface SimEvent permits SimEvent.Delivery, SimEvent.Boot, SimEvent.Injection, TimerSlot {

    /**
     * One copy of an advertisement reaching one host.
     *
     * @param epoch the receiver's epoch when the copy was sent: a host that went down since drops it
     */
    record Delivery(Host receiver, int epoch, Packet packet) implements SimEvent {
    }

    /** A host powers on (its first start, not a fault). */
    record Boot(Host host) implements SimEvent {
    }

    /** A scheduled fault takes effect. */
    record Injection(Fault fault) implements SimEvent {
    }
}
