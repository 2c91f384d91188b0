package io.vrrpd.sim;

import io.vrrpd.protocol.wire.Verdict;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a simulation counted so far (kept whether or not a timeline is recorded). Copies are counted per
 * receiver: one advertisement on a LAN of three hosts makes two copies.
 *
 * @param eventsProcessed    events taken off the queue, stale timer events included
 * @param advertisementsSent advertisements sent, priority 0 included
 * @param copiesDelivered    copies that reached a running host's socket
 * @param copiesLost         copies the link lost (its loss probability)
 * @param copiesPartitioned  copies a partition kept from their receiver
 * @param copiesToDownHosts  copies in flight to a host that went down before they arrived
 * @param transitions        protocol state changes
 * @param masterConflicts    MasterConflict actions: a Master heard another Master it outranks
 * @param addressClaims      ClaimAddresses actions
 * @param addressReleases    ReleaseAddresses actions, and crashes of hosts that held addresses
 * @param announcements      Announce actions (gratuitous ARP / unsolicited NA)
 * @param verdicts           receive verdicts over all hosts, accepted included, in {@link Verdict} order
 */
public record SimulationCounters(
        long eventsProcessed,
        long advertisementsSent,
        long copiesDelivered,
        long copiesLost,
        long copiesPartitioned,
        long copiesToDownHosts,
        long transitions,
        long masterConflicts,
        long addressClaims,
        long addressReleases,
        long announcements,
        Map<Verdict, Long> verdicts) {

    public SimulationCounters {
        // An EnumMap iterates in Verdict order: a printed summary is the same on every run.
        final EnumMap<Verdict, Long> copy = new EnumMap<>(Verdict.class);
        copy.putAll(verdicts);
        verdicts = Collections.unmodifiableMap(copy);
    }

    /** Packets receive validation dropped for {@code verdict}. */
    public long count(final Verdict verdict) {
        return verdicts.getOrDefault(verdict, 0L);
    }

    /** Packets receive validation dropped, whatever the reason. */
    public long dropped() {
        long sum = 0;
        for (final Verdict verdict : Verdict.values()) {
            if (!verdict.accepted()) {
                sum += count(verdict);
            }
        }
        return sum;
    }
}
