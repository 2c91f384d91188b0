package io.vrrpd.cluster;

import java.io.IOException;
import java.util.SortedSet;

/**
 * Where this host records which services it has started (starting, started or stopping), so that a supervisor can
 * stop them after the daemon died without its shutdown: {@code vrrpd --release-addresses}, run by systemd's
 * {@code ExecStopPost=} or bin/vrrpd's crash guard. Without it a crashed daemon would leave a service — and its
 * address — running beside the copy the cluster starts elsewhere once the fencing delay is over.
 */
@FunctionalInterface
public interface StartedLedger {

    /** Replaces the record with {@code services} (atomically: a crash leaves the old or the new list). */
    void write(SortedSet<String> services) throws IOException;
}
