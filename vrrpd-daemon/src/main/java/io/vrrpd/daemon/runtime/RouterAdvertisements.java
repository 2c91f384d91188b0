package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.ErrnoException;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.wire.AdvertisementWriter;

import java.util.List;

/**
 * A router's advertisements: where they go (the VRRP group, or each unicast peer), from which source, encoded into
 * one buffer and handed to the link's {@link RouterInstance.Sender}. A Backup keeps the advertisement it sends
 * first when it takes over encoded ahead ({@link #prepare}), so at that moment only the send is left; before the
 * deadline the takeover's send path is {@link #rehearse rehearsed}. Allocates nothing per advertisement (10,000 a
 * second at 1000 routers x 100 ms). Loop thread.
 */
final class RouterAdvertisements {
    private final RouterInstance.Sender channel;
    private final RouterCounters counters;
    private final List<IpAddress> destinations;
    /** IPv6 only: the source for unicast peers named by a global address; null: the primary address for all. */
    private final IpAddress unicastSource;
    private final byte[] advert = new byte[1500];
    private int advertLength;
    /** The priority the buffer holds the group's (or first peer's) advertisement for; -1: none. */
    private int advertPriority = -1;
    /** The configuration and priority of the advertisements last given to the sender (their outcome may come later). */
    private RouterConfig sentConfig;
    private int sentPriority;
    private final LogLimit sendErrorLog = new LogLimit();
    /** What became of each advertisement: one object, so a send allocates nothing. */
    private final RouterInstance.SendOutcome sendOutcome = new RouterInstance.SendOutcome() {
        @Override
        public void sent(final IpAddress destination) {
            counters.advertisementsSent++;
            if (Log.debugEnabled()) {
                Log.debug(sentConfig.logPrefix() + " advertisement sent to " + destination + " priority "
                        + sentPriority);
            }
        }

        @Override
        public void failed(final IpAddress destination, final ErrnoException e) {
            counters.sendErrors++;
            final String suffix = sendErrorLog.admit(System.nanoTime());
            if (suffix != null) {
                Log.error(sentConfig.logPrefix() + " sending an advertisement failed: " + e.getMessage() + suffix);
            }
        }
    };

    RouterAdvertisements(final RouterInstance.Sender channel, final RouterCounters counters,
                         final List<IpAddress> unicastPeers, final IpAddress unicastSource) {
        this.channel = channel;
        this.counters = counters;
        this.destinations = unicastPeers.isEmpty() ? null : List.copyOf(unicastPeers);
        this.unicastSource = unicastSource;
    }

    IpAddress unicastSource() {
        return unicastSource;
    }

    /** The configuration changed: the buffer's advertisement is stale. */
    void forget() {
        advertPriority = -1;
    }

    /**
     * Encodes, ahead, the advertisement at {@code priority} for the group (or the first peer): a Backup's first
     * when it takes over (the encoding, cold code until then, took ~0.1 ms of a 10 ms takeover).
     */
    void prepare(final RouterConfig config, final int priority) {
        if (priority != advertPriority) {
            encodeFor(config, priority, first(config));
            advertPriority = priority;
        }
    }

    /** Gives the advertisement at {@code priority} to the sender, once per destination. */
    void send(final RouterConfig config, final int priority) {
        prepare(config, priority);
        sentConfig = config;
        sentPriority = priority;
        if (destinations == null) {
            final IpAddress group = config.family().vrrpGroup();
            channel.send(advert, advertLength, config.primaryAddress(), group, sendOutcome);
            return;
        }
        for (int i = 0; i < destinations.size(); i++) {
            final IpAddress destination = destinations.get(i);
            if (i > 0) {
                encodeFor(config, priority, destination); // the pseudo-header checksum covers the destination
            }
            channel.send(advert, advertLength, sourceFor(config, destination), destination, sendOutcome);
        }
        if (destinations.size() > 1) {
            advertPriority = -1; // the buffer now holds another destination's checksum
        }
    }

    /** Runs the send path of the advertisement at {@code priority} without sending it (a takeover's rehearsal). */
    void rehearse(final RouterConfig config, final int priority) {
        prepare(config, priority);
        final IpAddress destination = first(config);
        channel.rehearse(advert, advertLength, sourceFor(config, destination), destination);
    }

    private IpAddress first(final RouterConfig config) {
        return destinations == null ? config.family().vrrpGroup() : destinations.getFirst();
    }

    /** A link-local or group destination gets the primary (link-local) address, a global one the global source. */
    private IpAddress sourceFor(final RouterConfig config, final IpAddress destination) {
        return unicastSource != null && !destination.isLinkLocal() && !destination.isMulticast()
                ? unicastSource : config.primaryAddress();
    }

    private void encodeFor(final RouterConfig config, final int priority, final IpAddress destination) {
        advertLength = AdvertisementWriter.write(advert, 0, config.version(), config.family(), config.vrid(),
                priority, config.advertisementIntervalNanos(), config.addresses(), config.checksumForm(),
                sourceFor(config, destination), destination, config.authPass());
    }
}
