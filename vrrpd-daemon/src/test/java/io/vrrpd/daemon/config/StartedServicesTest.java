package io.vrrpd.daemon.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** STATE_DIR/services-started: each service with its cgroup, for the clean-up after a crash. */
class StartedServicesTest {
    @TempDir
    Path dir;

    @Test
    void aServiceThatRanProcessesIsRecordedWithItsCgroup_anAddressOnlyOneWithout() throws Exception {
        final Path cgroups = Files.createDirectories(dir.resolve("cg/vrrpd-h1"));
        Files.createDirectories(cgroups.resolve("web")); // created by its first primitive; "vip" never ran a process
        final StartedServices ledger = new StartedServices(dir, name -> Optional.of(cgroups.resolve(name)));
        ledger.write(new TreeSet<>(List.of("vip", "web")));
        assertEquals("vip\nweb\t" + cgroups.resolve("web") + "\n", Files.readString(ledger.file()));
        final StartedServices reader = new StartedServices(dir);
        assertEquals(Optional.of(cgroups.resolve("web")), reader.readWithCgroups().get("web"));
        assertEquals(Optional.empty(), reader.readWithCgroups().get("vip"));
        assertEquals(new TreeSet<>(List.of("vip", "web")), reader.read(), "names as before");
    }
}
