package io.vrrpd.linux;

/**
 * What {@link RtnetlinkMonitor} reports. Link events carry the whole link state (the kernel sends the full
 * RTM_NEWLINK on every change), so "up", "down" and "carrier" are read from {@link Link#isUp()} and
 * {@link Link#hasCarrier()} rather than being separate event kinds.
 */
public sealed interface RtnetlinkEvent {
    /** A link appeared or changed (RTM_NEWLINK). */
    record LinkChanged(Link link) implements RtnetlinkEvent {
    }

    /** A link was deleted (RTM_DELLINK). */
    record LinkRemoved(Link link) implements RtnetlinkEvent {
    }

    /** An address was added or changed (RTM_NEWADDR), e.g. left DAD. */
    record AddressAdded(LinkAddress address) implements RtnetlinkEvent {
    }

    /** An address was removed (RTM_DELADDR). */
    record AddressRemoved(LinkAddress address) implements RtnetlinkEvent {
    }

    /**
     * The kernel dropped events because the socket's buffer was full (ENOBUFS): what the caller knows may be
     * stale, so it must re-read links and addresses with {@link Rtnetlink} (keepalived #390, #1333).
     */
    record Overrun() implements RtnetlinkEvent {
    }
}
