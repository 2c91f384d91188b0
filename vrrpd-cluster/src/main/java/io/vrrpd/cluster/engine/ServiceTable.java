package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.ServiceStore;
import io.vrrpd.cluster.StoredService;

import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * This host's copy of the service table and of the deletions (tombstones), kept in step with the others' by
 * merging what they send, and on disk through the {@link ServiceStore}. Owned by the cluster's actor thread (no
 * locks). The rules that make a committed change survive: a record is taken only when it is newer (or wins a tie
 * without changing an active service's primary configuration); a deletion is a persisted tombstone that beats
 * every record up to its revision; and a merge reports whether the result is on disk, so that only a durable host
 * acknowledges a commit.
 */
final class ServiceTable {
    private static final System.Logger LOG = System.getLogger(ServiceTable.class.getName());

    private final ServiceStore store;
    private final Map<String, StoredService> table = new TreeMap<>();
    private final Map<String, Long> tombstones = new TreeMap<>();
    /** Services whose record in {@link #table} is not on disk (a save failed): not acknowledged until one works. */
    private final Set<String> unsaved = new HashSet<>();
    /** Whether {@link #tombstones} are on disk as they are in memory. */
    private boolean tombstonesDurable = true;
    private final RateLimitedLog tieLog = new RateLimitedLog(10_000_000_000L);

    ServiceTable(final ServiceStore store) {
        this.store = store;
    }

    /** The services by name, read-only (it follows every merge). */
    Map<String, StoredService> services() {
        return Collections.unmodifiableMap(table);
    }

    /** The deletions, a copy (for a Table message). */
    Map<String, Long> tombstones() {
        return Map.copyOf(tombstones);
    }

    /**
     * Loads the stored deletions and services; a service file whose revision is at or below its deletion's is a
     * stale copy (this host missed the deletion, or restored an old file) and is removed.
     */
    void load() throws IOException {
        tombstones.putAll(store.loadTombstones());
        for (final StoredService service : store.loadAll()) {
            final Long deleted = tombstones.get(service.name());
            if (deleted != null && deleted >= service.revision()) {
                LOG.log(System.Logger.Level.WARNING, "service " + service.name() + ": its file holds revision "
                        + service.revision() + ", but it was deleted at revision " + deleted + ": removing the file");
                store.delete(service.name());
                continue;
            }
            table.put(service.name(), service);
        }
    }

    /**
     * Takes {@code incoming} if it is newer than what this host has (and not deleted since).
     *
     * @return whether this host now holds {@code incoming}, or something that supersedes it, on disk: only then may
     *         it acknowledge a commit (a change acknowledged by a majority must survive their restarts)
     */
    boolean merge(final StoredService incoming) {
        final String name = incoming.name();
        final Long tomb = tombstones.get(name);
        if (tomb != null && tomb >= incoming.revision()) {
            return tombstonesDurable;
        }
        final StoredService current = table.get(name);
        if (current != null && (current.revision() > incoming.revision() || current.equals(incoming)
                || (current.revision() == incoming.revision() && !tieTakes(current, incoming)))) {
            return !unsaved.contains(name) || persist(current);
        }
        table.put(name, incoming);
        return persist(incoming);
    }

    /**
     * Two different records with one revision (two commits that each reached fewer than a majority, or a file edited
     * by hand): the larger text wins, the same on every host — unless that would change the primary configuration of
     * a service active on some host (DESIGN.md §4: it never changes while active; a hand edit must not sneak past
     * update-service). Then each host keeps its own and says so.
     */
    private boolean tieTakes(final StoredService current, final StoredService incoming) {
        if (Message.Service.of(current).toString().compareTo(Message.Service.of(incoming).toString()) >= 0) {
            return false;
        }
        if (!current.spec().samePrimary(incoming.spec())
                && !(current.activeOn().isEmpty() && incoming.activeOn().isEmpty())) {
            tieLog.log(LOG, System.Logger.Level.WARNING, "service " + current.name() + ": another host has a different"
                    + " primary configuration at the same revision " + current.revision() + " (a services/"
                    + current.name() + ".toml edited by hand?): kept this host's, since the service is active;"
                    + " change it with update-service after deactivate-service, not by editing the file");
            return false;
        }
        return true;
    }

    /** Writes {@code service}'s file; false (logged, retried by the next merge) when the disk refuses. */
    private boolean persist(final StoredService service) {
        try {
            store.save(service);
            unsaved.remove(service.name());
            return true;
        } catch (IOException e) {
            unsaved.add(service.name());
            LOG.log(System.Logger.Level.ERROR, "service " + service.name() + ": cannot persist revision "
                    + service.revision() + ": " + e.getMessage() + " (kept in memory, not acknowledged)");
            return false;
        }
    }

    /** Records a deletion; returns whether it is on disk (tombstone written, file removed). */
    boolean mergeTombstone(final String name, final long revision) {
        final Long before = tombstones.get(name);
        if (before == null || before < revision) {
            tombstones.put(name, revision);
            try {
                store.saveTombstones(tombstones);
                tombstonesDurable = true;
            } catch (IOException e) {
                tombstonesDurable = false;
                LOG.log(System.Logger.Level.ERROR, "service " + name + ": cannot persist its deletion (revision "
                        + revision + "): " + e.getMessage() + " (kept in memory, not acknowledged)");
            }
        } else if (!tombstonesDurable) {
            try {
                store.saveTombstones(tombstones);
                tombstonesDurable = true;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot persist the deletions: " + e.getMessage());
            }
        }
        final StoredService current = table.get(name);
        boolean fileGone = true;
        if (current != null && current.revision() <= revision) {
            table.remove(name);
            unsaved.remove(name);
            try {
                store.delete(name);
            } catch (IOException e) {
                fileGone = false; // the tombstone keeps it from loading again
                LOG.log(System.Logger.Level.ERROR, "service " + name + ": cannot remove its file: " + e.getMessage());
            }
        }
        if (!fileGone) {
            LOG.log(System.Logger.Level.WARNING, "service " + name + ": its file stays until a delete works; the"
                    + " persisted deletion keeps it from loading again");
        }
        return tombstonesDurable;
    }

    /** The next revision: above every record and every deletion this host knows of. */
    long nextRevision() {
        long max = 0;
        for (final StoredService s : table.values()) {
            max = Math.max(max, s.revision());
        }
        for (final long t : tombstones.values()) {
            max = Math.max(max, t);
        }
        return max + 1;
    }
}
