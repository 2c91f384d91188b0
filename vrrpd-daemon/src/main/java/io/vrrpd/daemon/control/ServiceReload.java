package io.vrrpd.daemon.control;

import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.StoredService;
import io.vrrpd.daemon.config.ConfigError;
import io.vrrpd.daemon.config.TomlServiceStore;
import io.vrrpd.protocol.IpPrefix;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * SIGHUP for {@code services/*.toml} (issue 12). The files are this host's copy of the cluster's service table, so an
 * edit by hand is not simply taken: it goes through the cluster as the verbs' changes do, committed on a majority and
 * written on every host (the hand-edited file is then rewritten in vrrpd's form). What each file may change:
 * <ul>
 *     <li>a spec key (type, addresses, link, check_interval, a property) of a file at the revision this host holds:
 *     {@code update-service} with the changed keys — the cluster's rules apply (primary configuration only while the
 *     service is active nowhere; a property change runs update where it is active);</li>
 *     <li>a new file without {@code revision}: {@code create-service} (inactive, as the verb creates it);</li>
 *     <li>the cluster's own facts ({@code active_on}, {@code wanted}, {@code preferred}): not by a reload; the
 *     line says which verb changes them;</li>
 *     <li>a file at another revision than the table's is stale (a commit rewrote the service since it was read):
 *     nothing, and a line says so;</li>
 *     <li>a removed file: {@code delete-service} — stopped where it runs, deactivated everywhere, removed from every
 *     host (its file there too), as the operator who removed the file expects; routers' files work the same way. A
 *     missing {@code services} directory deletes nothing (a wrong or unmounted config directory, not a decision).
 *     </li>
 * </ul>
 * A file that does not load is {@code FILE:LINE: message}, and its service keeps running as it is.
 */
public final class ServiceReload {

    private final Path configDir;
    private final ServiceAdmin admin;
    private final Supplier<Map<String, StoredService>> records;

    /**
     * @param admin   the cluster's verbs (changes are committed through them)
     * @param records this host's copy of the table ({@code ServiceCluster.records})
     */
    public ServiceReload(final Path configDir, final ServiceAdmin admin,
                         final Supplier<Map<String, StoredService>> records) {
        this.configDir = configDir;
        this.admin = admin;
        this.records = records;
    }

    /**
     * Reads the files (those without {@code check_interval} get {@code defaultCheckMillis}) and applies what changed.
     *
     * @param info  the log's INFO lines (what was applied)
     * @param error the log's ERROR/WARN lines (what was not, and why)
     * @return one line saying what changed, for the log
     */
    public String reload(final long defaultCheckMillis, final Consumer<String> info, final Consumer<String> error) {
        final TomlServiceStore store = new TomlServiceStore(configDir, defaultCheckMillis);
        // The table before the files: a service in it has its file on disk (the cluster writes the file before the
        // record is seen), so one whose file is missing afterwards was removed — not created while the files were read.
        final Map<String, StoredService> before = records.get();
        final TomlServiceStore.Loaded loaded;
        try {
            loaded = store.read();
        } catch (IOException e) {
            error.accept("reload: cannot read " + store.directory() + ": " + e.getMessage()
                    + " (services keep running as they are)");
            return "reload: services: none read";
        }
        for (final ConfigError problem : loaded.errors()) {
            error.accept(problem + " (service keeps its running configuration)");
        }
        final Map<String, StoredService> table = records.get();
        int created = 0;
        int changed = 0;
        int unchanged = 0;
        int refused = loaded.errors().size();
        final List<String> inFiles = new ArrayList<>();
        for (final StoredService file : loaded.services()) {
            final String name = file.name();
            final Path path = store.fileOf(name);
            inFiles.add(name);
            final StoredService running = table.get(name);
            if (running == null) {
                if (file.revision() != 0) {
                    error.accept(path + ": not loaded: it holds revision " + file.revision() + " of a service the"
                            + " cluster does not have (deleted?): remove the file, or drop its revision line to"
                            + " create the service");
                    refused++;
                    continue;
                }
                try {
                    admin.create(file.spec());
                    final String ignored = facts(file, null);
                    info.accept("reload: " + path + ": service " + name + " created (inactive: activate-service " + name
                            + ")" + (ignored.isEmpty() ? "" : ";" + ignored));
                    created++;
                } catch (ServiceException e) {
                    error.accept(path + ": not applied: " + e.getMessage());
                    refused++;
                }
                continue;
            }
            if (file.revision() != running.revision()) {
                if (!file.equals(running)) {
                    error.accept(path + ": not applied: the file holds revision " + file.revision() + ", this host"
                            + " has revision " + running.revision() + " (changed since the file was read: edit it"
                            + " again)");
                    refused++;
                } else {
                    unchanged++;
                }
                continue;
            }
            final String ignored = facts(file, running);
            if (!ignored.isEmpty()) {
                error.accept(path + ":" + ignored.substring(1));
            }
            final Map<String, String> changes = changes(running.spec(), file.spec());
            if (changes.isEmpty()) {
                unchanged++;
                continue;
            }
            try {
                final List<ServiceAdmin.NodeResult> results = admin.update(name, changes);
                info.accept("reload: " + path + ": service " + name + " changed: " + String.join(", ",
                        changes.keySet()) + results.stream().map(r -> "; update on " + r.node() + ": "
                        + (r.ok() ? "" : "failed: ") + r.detail()).collect(Collectors.joining()));
                changed++;
            } catch (ServiceException e) {
                error.accept(path + ": not applied: " + e.getMessage());
                refused++;
            }
        }
        int deleted = 0;
        final boolean directory = java.nio.file.Files.isDirectory(store.directory());
        for (final String name : table.keySet()) {
            final Path path = store.fileOf(name);
            if (inFiles.contains(name) || !before.containsKey(name)
                    || loaded.errors().stream().anyMatch(e -> e.file().equals(path))) {
                continue;
            }
            if (!directory) {
                error.accept(path + ": missing with the whole directory " + store.directory() + ": service " + name
                        + " stays in the cluster (remove single files to delete services, or delete-service "
                        + name + ")");
                refused++;
                continue;
            }
            try {
                admin.delete(name);
                info.accept("reload: " + path + ": removed: service " + name + " deleted (stopped where it ran,"
                        + " deactivated and removed on every host, as delete-service " + name + ")");
                deleted++;
            } catch (ServiceException e) {
                error.accept(path + ": removed, but service " + name + " not deleted: " + e.getMessage() + " (it stays"
                        + " in the cluster and its file is written again at its next change; delete-service " + name
                        + ")");
                refused++;
            }
        }
        return "reload: services: " + created + " created, " + changed + " changed, " + unchanged + " unchanged"
                + (deleted == 0 ? "" : ", " + deleted + " deleted") + (refused == 0 ? "" : ", " + refused
                + " file(s) refused");
    }

    /**
     * The update-service changes that turn {@code running} into {@code wanted}: each spec key that differs with its new
     * value (empty: removed), as {@code -P KEY=VALUE} would give them.
     */
    static Map<String, String> changes(final ServiceSpec running, final ServiceSpec wanted) {
        final Map<String, String> changes = new TreeMap<>();
        if (!running.type().equals(wanted.type())) {
            changes.put("type", wanted.type());
        }
        if (!running.addresses().equals(wanted.addresses())) {
            changes.put("addresses", wanted.addresses().stream().map(IpPrefix::toString)
                    .collect(Collectors.joining(",")));
        }
        if (!Objects.equals(running.link(), wanted.link())) {
            changes.put("link", wanted.link() == null ? "" : wanted.link());
        }
        if (running.checkIntervalMillis() != wanted.checkIntervalMillis()) {
            changes.put("check_interval", Long.toString(wanted.checkIntervalMillis()));
        }
        wanted.properties().forEach((key, value) -> {
            if (!value.equals(running.properties().get(key))) {
                changes.put(key, value);
            }
        });
        running.properties().keySet().stream().filter(key -> !wanted.properties().containsKey(key))
                .forEach(key -> changes.put(key, ""));
        return changes;
    }

    /** The cluster's facts the file sets differently (not applied by a reload), as {@code " KEY: …"}; or empty. */
    private static String facts(final StoredService file, final StoredService running) {
        final List<String> keys = new ArrayList<>();
        if (!file.activeOn().equals(running == null ? java.util.Set.of() : running.activeOn())) {
            keys.add(TomlServiceStore.ACTIVE_ON);
        }
        if (file.wanted() != (running != null && running.wanted())) {
            keys.add(TomlServiceStore.WANTED);
        }
        if (!Objects.equals(file.preferred(), running == null ? null : running.preferred())) {
            keys.add(TomlServiceStore.PREFERRED);
        }
        return keys.isEmpty() ? "" : " " + String.join(", ", keys) + ": not applied by a reload (the cluster's own"
                + " record: activate-service, deactivate-service, start-service, stop-service change it)";
    }
}
