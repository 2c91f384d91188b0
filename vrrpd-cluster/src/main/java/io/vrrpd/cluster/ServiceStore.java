package io.vrrpd.cluster;

import java.io.IOException;
import java.util.List;

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
}
