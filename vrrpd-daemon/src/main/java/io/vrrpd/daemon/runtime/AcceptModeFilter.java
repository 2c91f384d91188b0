package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.linux.NfTables;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Accept_Mode False (RFC 5798 §6.4.3): a router that is not the address owner and does not accept must not
 * take in packets addressed to its virtual addresses, yet answers ARP/ND for them. The addresses stay local
 * (plumbed up front on every host, bind-ready: the VNIC design), so the kernel would answer a ping; the table
 * {@code inet vrrpd} ({@link NfTables}) drops what comes from the network for them, ARP and IPv6 ND excepted.
 *
 * <p>The drop does not follow the VRRP state: a Backup must not accept those packets either (§6.4.2), so the
 * table follows the routers' specs only (create, modify, delete) and the real-time loop never touches nf_tables
 * on a transition. The kernel is called only when the set of refused addresses changed: additions append their
 * rules, any removal replaces the table as a whole. Loop thread only.
 */
final class AcceptModeFilter {
    /** The kernel side, replaced in tests. */
    interface Kernel {
        /** Replaces the table: exactly {@code addresses} refused (none: no table). */
        void refuse(List<IpAddress> addresses) throws IOException;

        /** Adds {@code added} to a table that refuses at least one address already. */
        void refuseAlso(List<IpAddress> added) throws IOException;
    }

    private final Kernel kernel;
    /** What the kernel has; null until the first sync (a previous run's table may still be there). */
    private List<IpAddress> applied;

    AcceptModeFilter(final Kernel kernel) {
        this.kernel = kernel;
    }

    static AcceptModeFilter ofKernel() {
        return new AcceptModeFilter(new Kernel() {
            @Override
            public void refuse(final List<IpAddress> addresses) throws IOException {
                NfTables.refuse(addresses);
            }

            @Override
            public void refuseAlso(final List<IpAddress> added) throws IOException {
                NfTables.refuseAlso(added);
            }
        });
    }

    /**
     * The addresses of the routers in Accept_Mode False, sorted, each once. The address owner is never among them:
     * RouterSpec refuses an owner with accept_mode false (§6.4.3: the owner always accepts).
     */
    static List<IpAddress> refused(final Collection<RouterSpec> specs) {
        final TreeSet<IpAddress> out = new TreeSet<>();
        for (final RouterSpec spec : specs) {
            if (!spec.accept()) {
                for (final IpPrefix prefix : spec.addresses()) {
                    out.add(prefix.address());
                }
            }
        }
        return List.copyOf(out);
    }

    /** Brings the kernel's table in line with {@code specs}; a failure is logged (the routers still run). */
    void sync(final Collection<RouterSpec> specs) {
        final List<IpAddress> wanted = refused(specs);
        if (wanted.equals(applied)) {
            return;
        }
        try {
            final Set<IpAddress> had = applied == null ? Set.of() : new HashSet<>(applied);
            if (!had.isEmpty() && new HashSet<>(wanted).containsAll(had)) {
                // Only additions (a start with many routers, a create): their rules alone, O(added) not O(all).
                kernel.refuseAlso(wanted.stream().filter(a -> !had.contains(a)).toList());
            } else {
                kernel.refuse(wanted);
            }
            if (applied != null || !wanted.isEmpty()) {
                Log.info("accept_mode: " + (wanted.isEmpty() ? "no address refused, table " + NfTables.table()
                        + " removed" : "refusing packets to " + wanted.size() + " virtual address"
                        + (wanted.size() == 1 ? "" : "es") + " of routers in accept_mode = false (table "
                        + NfTables.table() + ")"));
            }
            applied = wanted;
        } catch (IOException e) {
            if (wanted.isEmpty()) {
                // Nothing to enforce (no router refuses): a kernel without nf_tables is no error here.
                Log.info("accept_mode: no address refused; could not check for a table " + NfTables.table()
                        + " of a previous run: " + e.getMessage());
                applied = wanted;
            } else {
                Log.error("accept_mode = false NOT enforced for " + wanted.size() + " address"
                        + (wanted.size() == 1 ? "" : "es") + ": the nf_tables table " + NfTables.table()
                        + " could not be set: " + e.getMessage());
                applied = null; // what the kernel holds is unknown now: the next sync replaces the whole table
            }
        }
    }
}
