package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.membership.ClusterView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quorum lease on a clock of the test's (evaluations called directly, no thread started). */
class QuorumLeaseTest {
    private static final long MS = 1_000_000L;
    private final List<Boolean> changes = new ArrayList<>();
    private final List<Long> validUntil = new ArrayList<>();
    private final QuorumLease lease = new QuorumLease("a", 750, () -> 0L, () -> { }, new QuorumLease.Listener() {
        @Override
        public void leaseChanged(final boolean held) {
            changes.add(held);
        }

        @Override
        public void leaseValidUntil(final long nanos) {
            validUntil.add(nanos);
        }
    });

    private static ClusterView view() {
        return new ClusterView(3, List.of("a", "b", "c"), true, 2, List.of(new ClusterView.Member("a", "-", true)));
    }

    @Test
    void heldWhileAMajorityIsHeard_lostALeaseAfterTheLast_withItsExpiry() {
        lease.viewChanged(view(), 0);
        for (long t = 150; t <= 600; t += 150) {
            lease.heard("b", t * MS);
            lease.evaluate(t * MS);
        }
        assertTrue(lease.held());
        assertEquals(1350 * MS, validUntil.getLast(), "b heard at 600 ms + 750");
        lease.evaluate(1_200 * MS);
        assertTrue(lease.held());
        lease.evaluate(1_360 * MS);
        assertFalse(lease.held());
        assertEquals(List.of(false), changes);
        assertEquals(1350 * MS, validUntil.getLast(), "the fence deadline counts from when it ran out");
    }

    /**
     * A host frozen for 6 s gets, on thawing, the backlog the others sent before they removed it, delivered (and
     * stamped) now: it must not renew the lease — the thawed host would take itself for a coordinator with quorum
     * and start a service the others already run (seen in SelfFencingIT).
     */
    @Test
    void theBacklogDeliveredAfterAFreezeDoesNotRenewTheLease() {
        lease.viewChanged(view(), 0);
        lease.heard("b", 100 * MS);
        lease.evaluate(150 * MS);
        assertTrue(lease.held());
        // frozen from 150 ms to 6150 ms; the socket's backlog is delivered at the thaw
        lease.heard("b", 6_150 * MS);
        lease.heard("c", 6_150 * MS);
        lease.evaluate(6_151 * MS);
        assertFalse(lease.held(), "lost: the backlog is not a majority heard now");
        lease.heard("b", 6_500 * MS);
        lease.evaluate(6_600 * MS);
        assertFalse(lease.held(), "still within a lease of the thaw");
        lease.heard("b", 6_950 * MS);
        lease.evaluate(7_000 * MS);
        assertTrue(lease.held(), "heard a lease after the thaw: held again");
    }
}
