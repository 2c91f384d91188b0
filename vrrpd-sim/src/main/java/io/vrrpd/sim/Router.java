package io.vrrpd.sim;

import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.RouterState;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.TimerKind;
import io.vrrpd.protocol.wire.AdvertisementWriter;

import java.util.OptionalLong;

/**
 * One virtual router on a host: its configuration, the running state the protocol core returned last, and
 * what the simulator keeps for it (timers, encoded advertisements, whether it holds the addresses).
 */
public final class Router {
    private final Host host;
    private final RouterConfig config;
    private final RouterId id;
    private final TimerSlot adverTimer;
    private final TimerSlot masterDownTimer;
    private RouterState state;
    /** Encoded once per priority and shared by every copy sent; a priority change encodes a new array. */
    private Packet advertisement;
    private int advertisementPriority = -1;
    private Packet release;
    private long lastAdvertisementSentAt;
    private boolean sentAny;
    private boolean holdsAddresses;

    Router(final Host host, final RouterConfig config) {
        this.host = host;
        this.config = config;
        this.id = new RouterId(host.lan().name(), host.name(), config.vrid(), config.family(),
                config.primaryAddress());
        this.state = RouterState.initial(config);
        this.adverTimer = new TimerSlot(this, TimerKind.ADVER_TIMER);
        this.masterDownTimer = new TimerSlot(this, TimerKind.MASTER_DOWN_TIMER);
    }

    public Host host() {
        return host;
    }

    public RouterConfig config() {
        return config;
    }

    public RouterId id() {
        return id;
    }

    /** The running state as the protocol core last returned it. */
    public RouterState state() {
        return state;
    }

    /** True when the host is up and this router is Master. */
    public boolean isMaster() {
        return host.up() && state.state() == State.MASTER;
    }

    /** True between ClaimAddresses and ReleaseAddresses (or the host's crash). */
    public boolean holdsAddresses() {
        return holdsAddresses;
    }

    /** When this router last sent an advertisement (any priority), if it ever did. */
    public OptionalLong lastAdvertisementSentAt() {
        return sentAny ? OptionalLong.of(lastAdvertisementSentAt) : OptionalLong.empty();
    }

    @Override
    public String toString() {
        return id.toString();
    }

    void state(final RouterState next) {
        this.state = next;
    }

    TimerSlot timer(final TimerKind kind) {
        return kind == TimerKind.ADVER_TIMER ? adverTimer : masterDownTimer;
    }

    void holdsAddresses(final boolean value) {
        this.holdsAddresses = value;
    }

    void sentAt(final long now) {
        lastAdvertisementSentAt = now;
        sentAny = true;
    }

    /** Back to a fresh Initialize state with no timers, as after a process restart. */
    void reset() {
        state = RouterState.initial(config);
        adverTimer.reset();
        masterDownTimer.reset();
        holdsAddresses = false;
    }

    /** The advertisement with {@code priority}, encoded on first use of that priority. */
    Packet advertisement(final int priority) {
        if (priority == 0) {
            if (release == null) {
                release = encode(0);
            }
            return release;
        }
        if (priority != advertisementPriority) {
            advertisement = encode(priority);
            advertisementPriority = priority;
        }
        return advertisement;
    }

    /** The real codec: source is the primary address, destination the family's VRRP group. */
    private Packet encode(final int priority) {
        final byte[] message = new byte[AdvertisementWriter.length(config.version(), config.family(),
                config.virtualAddresses().size())];
        AdvertisementWriter.write(message, 0, config.version(), config.family(), config.vrid(), priority,
                config.advertisementIntervalNanos(), config.addresses(), config.checksumForm(),
                config.primaryAddress(), config.family().vrrpGroup());
        return new Packet(host, config.family(), config.primaryAddress(), message);
    }
}
