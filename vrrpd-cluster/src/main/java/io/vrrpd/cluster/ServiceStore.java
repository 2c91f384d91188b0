package io.vrrpd.cluster;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where this host keeps its copy of the services ({@code CONFIG_DIR/services/NAME.toml}, written atomically by
 * the daemon's store). The cluster engine calls it from one thread.
 */
public interface ServiceStore {

    /** Every stored service; a broken file is reported (file:line: message) and left out, not fatal. */
    List<StoredService> loadAll() throws IOException;

    /** Writes (creates or replaces) one service, atomically. */
    void save(StoredService service) throws IOException;

    /** Removes one service's file (no error if it is already gone). */
    void delete(String name) throws IOException;

    /**
     * The deletions this host knows of: service name to the revision of its deletion. A deleted service's file on a
     * host that missed the deletion carries a lower revision and must not bring the service back, even after every
     * host restarted: so the tombstones are persisted, not only kept in memory.
     */
    Map<String, Long> loadTombstones() throws IOException;

    /** Replaces the stored tombstones, atomically. */
    void saveTombstones(Map<String, Long> tombstones) throws IOException;
}
