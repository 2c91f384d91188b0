package io.vrrpd.daemon.control;

import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.StoredService;
import io.vrrpd.daemon.config.TomlServiceStore;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGHUP for services/*.toml: scenarios of files edited by hand against this host's copy of the table. */
class ServiceReloadTest {

    @TempDir
    Path configDir;

    private final RecordingServiceAdmin admin = new RecordingServiceAdmin();
    private final Map<String, StoredService> table = new TreeMap<>();
    private final List<String> info = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    private static final StoredService REDIS = new StoredService(new ServiceSpec("redis", "exec",
            List.of(IpPrefix.parse("192.0.2.50/24")), "eth0", 2500,
            new TreeMap<>(Map.of("command", "/usr/bin/redis-server", "port", "6379"))),
            new TreeSet<>(List.of("h1")), true, null, 7);

    private String reload() {
        return new ServiceReload(configDir, admin, () -> Map.copyOf(table)).reload(5000, info::add, errors::add);
    }

    private TomlServiceStore store() {
        return new TomlServiceStore(configDir, 5000);
    }

    private void edit(final String name, final String from, final String to) throws Exception {
        final Path file = store().fileOf(name);
        final String text = Files.readString(file);
        assertTrue(text.contains(from), text);
        Files.writeString(file, text.replace(from, to));
    }

    @Test
    @DisplayName("a file as vrrpd wrote it changes nothing; an edited property goes through update-service")
    void shouldApplyAnEditedPropertyThroughTheCluster() throws Exception {
        table.put("redis", REDIS);
        store().save(REDIS);
        assertEquals("reload: services: 0 created, 0 changed, 1 unchanged", reload());
        assertEquals(List.of(), admin.calls);
        edit("redis", "properties.port = '6379'", "properties.port = '6380'\nproperties.maxmemory = '1g'");
        admin.results = List.of(new ServiceAdmin.NodeResult("h1", true, "updated"));
        assertEquals("reload: services: 0 created, 1 changed, 0 unchanged", reload());
        assertEquals(List.of("update redis {maxmemory=1g, port=6380}"), admin.calls);
        assertEquals(List.of("reload: " + store().fileOf("redis") + ": service redis changed: maxmemory, port; update"
                + " on h1: updated"), info);
        assertEquals(List.of(), errors);
    }

    @Test
    @DisplayName("a removed property and a primary key are update-service changes too; the cluster's refusal is logged")
    void shouldLogWhatTheClusterRefuses() throws Exception {
        table.put("redis", REDIS);
        store().save(REDIS);
        edit("redis", "properties.port = '6379'", "");
        edit("redis", "check_interval = 2500", "check_interval = 1000");
        admin.refusal = new ServiceException(ServiceException.Kind.INVALID, "primary configuration (check_interval)"
                + " cannot change while service redis is active on h1: deactivate-service it everywhere first");
        assertEquals("reload: services: 0 created, 0 changed, 0 unchanged, 1 file(s) refused", reload());
        assertEquals(List.of("update redis {check_interval=1000, port=}"), admin.calls);
        assertEquals(List.of(store().fileOf("redis") + ": not applied: primary configuration (check_interval) cannot"
                + " change while service redis is active on h1: deactivate-service it everywhere first"), errors);
    }

    @Test
    @DisplayName("a new file without a revision is created; the cluster's facts in a file are not applied, and said so")
    void shouldCreateANewFileAndLeaveTheClustersFacts() throws Exception {
        Files.createDirectories(configDir.resolve("services"));
        Files.writeString(store().fileOf("web"), "type = 'systemd'\nactive_on = ['h1']\n[properties]\nunit = 'nginx'\n");
        assertEquals("reload: services: 1 created, 0 changed, 0 unchanged", reload());
        assertEquals(List.of("create web"), admin.calls);
        assertEquals(5000, admin.created.getFirst().checkIntervalMillis(), "[defaults] check_interval as reloaded");
        assertEquals(List.of("reload: " + store().fileOf("web") + ": service web created (inactive: activate-service"
                + " web); active_on: not applied by a reload (the cluster's own record: activate-service,"
                + " deactivate-service, start-service, stop-service change it)"), info);
    }

    @Test
    @DisplayName("a stale file, a broken file and a file of a deleted service change nothing, each with its line")
    void shouldRefuseWhatItCannotTake() throws Exception {
        table.put("redis", REDIS);
        store().save(new StoredService(REDIS.spec().withProperties(Map.of("port", "1")), REDIS.activeOn(), true, null,
                6));
        store().save(new StoredService(new ServiceSpec("gone", "exec", List.of(), null, 2500,
                new TreeMap<>(Map.of("command", "/bin/true"))), new TreeSet<>(), false, null, 3));
        Files.writeString(store().fileOf("bad"), "type = 'exec'\ncheck_interval = 5\n");
        assertEquals("reload: services: 0 created, 0 changed, 0 unchanged, 3 file(s) refused", reload());
        assertEquals(List.of(), admin.calls, "a broken file's service is not deleted: its file is there");
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(store().fileOf("bad") + ":2: check_interval: "), errors.get(0));
        assertTrue(errors.get(0).endsWith("(service keeps its running configuration)"), errors.get(0));
        assertEquals(store().fileOf("gone") + ": not loaded: it holds revision 3 of a service the cluster does not have"
                + " (deleted?): remove the file, or drop its revision line to create the service", errors.get(1));
        assertEquals(store().fileOf("redis") + ": not applied: the file holds revision 6, this host has revision 7"
                + " (changed since the file was read: edit it again)", errors.get(2));
    }

    private static final StoredService OLD = new StoredService(new ServiceSpec("old", "exec", List.of(), null, 5000,
            new TreeMap<>(Map.of("command", "/bin/true"))), new TreeSet<>(List.of("h1")), true, null, 2);

    @Test
    @DisplayName("a removed file deletes its service through the cluster, as delete-service (stopped, deactivated,"
            + " removed on every host); the others stay")
    void shouldDeleteTheServiceOfARemovedFile() throws Exception {
        table.put("redis", REDIS);
        table.put("old", OLD);
        store().save(REDIS);
        assertEquals("reload: services: 0 created, 0 changed, 1 unchanged, 1 deleted", reload());
        assertEquals(List.of("delete old"), admin.calls);
        assertEquals(List.of("reload: " + store().fileOf("old") + ": removed: service old deleted (stopped where it"
                + " ran, deactivated and removed on every host, as delete-service old)"), info);
        assertEquals(List.of(), errors);
    }

    @Test
    @DisplayName("a removed file whose delete the cluster refuses (no quorum) is one line; the service stays")
    void shouldSayWhenTheDeleteIsRefused() throws Exception {
        table.put("old", OLD);
        Files.createDirectories(store().directory());
        admin.refusal = new ServiceException(ServiceException.Kind.UNAVAILABLE, "no quorum: 1 of 3 members");
        assertEquals("reload: services: 0 created, 0 changed, 0 unchanged, 1 file(s) refused", reload());
        assertEquals(List.of(store().fileOf("old") + ": removed, but service old not deleted: no quorum: 1 of 3"
                + " members (it stays in the cluster and its file is written again at its next change; delete-service"
                + " old)"), errors);
    }

    @Test
    @DisplayName("a missing services directory deletes nothing; a service the cluster created while the files were"
            + " read (in the table only after) is not deleted")
    void shouldNotDeleteWhatWasNotRemoved() throws Exception {
        table.put("old", OLD);
        assertEquals("reload: services: 0 created, 0 changed, 0 unchanged, 1 file(s) refused", reload());
        assertEquals(List.of(), admin.calls);
        assertEquals(List.of(store().fileOf("old") + ": missing with the whole directory " + store().directory()
                + ": service old stays in the cluster (remove single files to delete services, or delete-service old)"),
                errors);

        Files.createDirectories(store().directory());
        final int[] calls = {0};
        final String summary = new ServiceReload(configDir, admin, () -> calls[0]++ == 0 ? Map.of() : Map.of("old", OLD))
                .reload(5000, info::add, errors::add);
        assertEquals("reload: services: 0 created, 0 changed, 0 unchanged", summary);
        assertEquals(List.of(), admin.calls, "new since the reload began: its file may not be written yet");
    }
}
