package io.vrrpd.daemon.config;

import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterStoreTest {

    @TempDir
    Path configDir;

    private RouterStore store() {
        return new RouterStore(configDir);
    }

    private Path write(final String name, final String text) throws IOException {
        final Path file = configDir.resolve("routers").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private List<String> routerDirEntries() throws IOException {
        try (Stream<Path> files = Files.list(configDir.resolve("routers"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @DisplayName("should load what it saved, for IPv4 and IPv6 routers with every key set")
    void shouldRoundTrip() throws IOException {
        final RouterSpec v4 = RouterSpecTest.v4().priority(200).depends(List.of("tcp:[::1]:80@weight=-10", "http://x.test/a'b"))
                .unicastPeers(List.of(IpAddress.parse("192.0.2.7"))).enabled(false).build();
        final RouterSpec v6 = RouterSpecTest.v6().mac(MacMode.REAL).build();
        store().save(v4);
        store().save(v6);
        final RouterStore.Loaded loaded = store().loadAll();
        assertEquals(List.of(), loaded.errors());
        assertEquals(List.of(v4, v6), loaded.routers());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(store().directory())));
    }

    @Test
    @DisplayName("should write a commented, human-editable file with one key per line")
    void shouldWriteReadableToml() throws IOException {
        store().save(RouterSpecTest.v4().build());
        final String text = Files.readString(store().fileOf("web"));
        assertTrue(text.startsWith("# vrrpd router web:"), text);
        assertTrue(text.contains("\nvrid = 51\n"), text);
        assertTrue(text.contains("\nadv_interval = 1000\n"), text);
        assertTrue(text.contains("\naddresses = ['192.0.2.100/24']\n"), text);
    }

    @Test
    @DisplayName("should replace a file atomically and leave no temporary file behind")
    void shouldReplaceAtomically() throws IOException {
        store().save(RouterSpecTest.v4().build());
        store().save(RouterSpecTest.v4().priority(150).build());
        assertEquals(150, store().loadAll().routers().getFirst().priority());
        assertEquals(List.of("web.toml"), routerDirEntries());
    }

    @Test
    @DisplayName("a failure between write and rename leaves the old file whole, and no temporary file")
    void shouldKeepOldFileWhenRenameNeverHappens() throws IOException {
        store().save(RouterSpecTest.v4().build());
        final Path file = store().fileOf("web");
        final String before = Files.readString(file);
        final byte[] newer = store().render(RouterSpecTest.v4().priority(150).build()).getBytes(StandardCharsets.UTF_8);
        final IOException crash = assertThrows(IOException.class, () -> AtomicFiles.write(file, newer, temporary -> {
            assertEquals(new String(newer, StandardCharsets.UTF_8), Files.readString(temporary), "the new text is on disk");
            throw new IOException("simulated crash before rename");
        }));
        assertEquals("simulated crash before rename", crash.getMessage());
        assertEquals(before, Files.readString(file));
        assertEquals(List.of("web.toml"), routerDirEntries());
    }

    @Test
    @DisplayName("a temporary file left by a crash is never loaded as a router")
    void shouldIgnoreLeftoverTemporaryFiles() throws IOException {
        store().save(RouterSpecTest.v4().build());
        write(".web.toml.tmp-1234", "garbage = [");
        final RouterStore.Loaded loaded = store().loadAll();
        assertEquals(1, loaded.routers().size());
        assertEquals(List.of(), loaded.errors());
    }

    @Test
    @DisplayName("the daemon's start removes the temporaries of interrupted writes, and nothing else")
    void shouldRemoveInterruptedWritesAtStart() throws IOException {
        store().save(RouterSpecTest.v4().build());
        write(".web.toml.tmp-1a2b3c", "half a file");
        write(".old.toml.tmp-ff", "");
        write(".deleted.toml", "web = 3\n");
        write("notes.txt", "kept");
        assertEquals(2, AtomicFiles.removeInterruptedWrites(store().directory()));
        assertEquals(List.of(".deleted.toml", "notes.txt", "web.toml"), routerDirEntries());
        assertEquals(0, AtomicFiles.removeInterruptedWrites(store().directory().resolve("missing")));
    }

    @Test
    @DisplayName("issue 10 item 6: a router file naming a loopback or /0 virtual address is refused at its line")
    void shouldRefuseAddressesThatWouldTakeOverTheHostsTrafficWithFileAndLine() throws IOException {
        final Path loopback = write("lo.toml",
                "vrid = 7\nlink = \"eth0\"\naddress_family = \"inet\"\naddresses = [\"127.0.0.1/8\"]\n");
        final Path all = write("all.toml",
                "vrid = 8\nlink = \"eth0\"\naddress_family = \"inet\"\n# everything\naddresses = ['0.0.0.0/0']\n");
        final List<String> errors = store().loadAll().errors().stream().map(ConfigError::toString).toList();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(all + ":5: address: 0.0.0.0/0 is the unspecified address (allowed: "),
                errors.get(0));
        assertTrue(errors.get(1).startsWith(loopback + ":4: address: 127.0.0.1/8 is a loopback address (allowed: "),
                errors.get(1));
    }

    @Test
    @DisplayName("auth_pass: a v2 router file keeps its password; a bad one or one on v3 is refused at its line,"
            + " without the secret in the message")
    void shouldStoreAndCheckAuthPass() throws IOException {
        final RouterSpec v2 = RouterSpecTest.v4().version(io.vrrpd.protocol.VrrpVersion.V2)
                .authPass(io.vrrpd.protocol.AuthPass.parse("s3cret")).build();
        store().save(v2);
        assertTrue(Files.readString(store().fileOf("web")).contains("\nauth_pass = 's3cret'\n"),
                Files.readString(store().fileOf("web")));
        final Path v3 = write("v3.toml", "vrid = 7\nlink = \"eth0\"\naddress_family = \"inet\"\n"
                + "addresses = [\"192.0.2.1/24\"]\nauth_pass = \"hunter2\"\n");
        final Path tooLong = write("long.toml", "vrid = 8\nlink = \"eth0\"\naddress_family = \"inet\"\nversion = 2\n"
                + "auth_pass = \"ninechars\"\naddresses = [\"192.0.2.2/24\"]\n");
        final RouterStore.Loaded loaded = store().loadAll();
        assertEquals(List.of(v2), loaded.routers());
        assertEquals(List.of(
                tooLong + ":5: auth_pass: 9 characters is too long (allowed: 1-8 printable ASCII characters,"
                        + " RFC 2338 §5.3.10)",
                v3 + ":5: auth_pass: VRRPv3 has no authentication (RFC 5798 §9); auth_pass is for version 2 only"),
                loaded.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    @DisplayName("should report broken files as FILE:LINE: message and still load the good ones")
    void shouldSkipBrokenFiles() throws IOException {
        store().save(RouterSpecTest.v4().build());
        final Path syntax = write("a-syntax.toml", "vrid = 1\nlink = \"eth0\naddress_family = \"inet\"\n");
        final Path semantic = write("b-semantic.toml",
                "vrid = 7\nlink = \"eth0\"\naddress_family = \"inet\"\n\npriority = 300\naddresses = [\"192.0.2.1\"]\n");
        final Path unknown = write("c-unknown.toml", "vrid = 8\nlink = \"eth0\"\n  prority = 50\n");
        final Path name = write("9bad.toml", "vrid = 9\n");
        final Path duplicate = write("d-dup.toml", "vrid = 1\nvrid = 2\nlink = \"eth0\"\n");
        final Path unclosed = write("e-open.toml", "vrid = 1\naddresses = [\"192.0.2.1\",\n");
        final RouterStore.Loaded loaded = store().loadAll();
        assertEquals(List.of("web"), loaded.routers().stream().map(RouterSpec::name).toList());
        assertEquals(List.of(
                name + ":1: name: '9bad' is not a valid router name (allowed: 1-31 letters, digits, '_', '-', '.',"
                        + " starting with a letter)",
                syntax + ":2: TOML syntax error: Newline not permitted here",
                semantic + ":5: priority: 300 is out of range (allowed: 1-255, 255 only for the address owner)",
                unknown + ":3: prority: unknown key (allowed: vrid, link, address_family, version, priority,"
                        + " adv_interval, preempt, preempt_delay, accept, addresses, depends, unicast_peers, mac,"
                        + " checksum, announce_count, announce_interval, on_master, on_backup, on_offline,"
                        + " hook_timeout, sync_group, flap_count, flap_window, enabled, auth_pass)",
                duplicate + ":2: TOML syntax error: Duplicate key",
                unclosed + ":2: TOML syntax error: Premature end of file"),
                loaded.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    @DisplayName("should refuse a second file with the same VRID, link and family, at its vrid line")
    void shouldReportVridConflicts() throws IOException {
        store().save(RouterSpecTest.v4().build());
        final Path other = write("x.toml", "# copy\nlink = \"eth0\"\nvrid = 51\naddress_family = \"inet\"\n"
                + "addresses = [\"192.0.2.9\"]\n");
        final RouterStore.Loaded loaded = store().loadAll();
        assertEquals(1, loaded.routers().size());
        assertEquals(other + ":3: vrid: 51 on eth0 (IPv4) is already used by router 'web' (" + store().fileOf("web") + ")",
                loaded.errors().getFirst().toString());
    }

    @Test
    @DisplayName("issue 12: a second file with a virtual address of an earlier one on the same link is refused at its"
            + " addresses line, naming the earlier file")
    void shouldReportSharedVirtualAddresses() throws IOException {
        store().save(RouterSpecTest.v4().build());
        final Path other = write("x.toml", "vrid = 52\nlink = \"eth0\"\naddress_family = \"inet\"\n"
                + "addresses = [\"192.0.2.9/24\", \"192.0.2.100/32\"]\n");
        final RouterStore.Loaded loaded = store().loadAll();
        assertEquals(List.of("web"), loaded.routers().stream().map(RouterSpec::name).toList());
        assertEquals(List.of(other + ":4: address: 192.0.2.100 is already a virtual address of router 'web' on eth0"
                + " (allowed: an address no other router on this link has) (" + store().fileOf("web") + ")"),
                loaded.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    @DisplayName("issue 12: a virtual address of an earlier file on another link loads, with a warning naming both")
    void shouldWarnAboutAVirtualAddressOnAnotherLink() throws IOException {
        store().save(RouterSpecTest.v4().build());
        final Path other = write("x.toml", "vrid = 52\nlink = \"eth1\"\naddress_family = \"inet\"\n"
                + "addresses = [\"192.0.2.9/24\", \"192.0.2.100/32\"]\n");
        final RouterStore.Loaded loaded = store().loadAll();
        assertEquals(List.of("web", "x"), loaded.routers().stream().map(RouterSpec::name).toList());
        assertEquals(List.of(), loaded.errors());
        assertEquals(List.of(other + ": address: 192.0.2.100 is also a virtual address of router 'web' on eth0: this"
                + " host will answer for it on eth1 and eth0"), loaded.warnings());
    }

    @Test
    @DisplayName("issue 12: address_family is inet or inet6 exactly; 'ipv4' is refused at its line")
    void shouldRefuseUndocumentedFamilyNames() throws IOException {
        final Path file = write("web.toml", "vrid = 51\nlink = \"eth0\"\n\naddress_family = 'ipv4'\n"
                + "addresses = [\"192.0.2.100/24\"]\n");
        assertEquals(List.of(file + ":4: address_family: address family 'ipv4' is not one of: inet, inet6"),
                store().loadAll().errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    @DisplayName("issue 12: entries of routers/ that are not router files are one warning each per load;"
            + " write temporaries are not")
    void shouldWarnOfFilesItDoesNotRead() throws IOException {
        store().save(RouterSpecTest.v4().build());
        final Path backup = write("web.toml~", "vrid = 52\n");
        final Path swap = write(".web.toml.swp", "");
        final Path conf = write("db.conf", "");
        Files.createDirectories(store().directory().resolve("old"));
        write(".web.toml.tmp-1a2b", "half a file");
        final RouterStore.Loaded loaded = store().loadAll();
        assertEquals(List.of("web"), loaded.routers().stream().map(RouterSpec::name).toList());
        assertEquals(List.of(), loaded.errors());
        final String why = ": ignored: not a router file (only NAME.toml files in " + store().directory() + " are read)";
        assertEquals(List.of(swap + why, conf + why, store().directory().resolve("old") + why, backup + why),
                loaded.warnings());
    }

    @Test
    void shouldReportNonUtf8Files() throws IOException {
        final Path file = configDir.resolve("routers/bin.toml");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 'v'});
        assertEquals(file + ":1: not UTF-8 text (TOML files are UTF-8)", store().loadAll().errors().getFirst().toString());
    }

    @Test
    void shouldDeleteDurablyAndTolerateMissingFiles() throws IOException {
        store().save(RouterSpecTest.v4().build());
        store().delete("web");
        store().delete("web");
        assertFalse(Files.exists(store().fileOf("web")));
        assertEquals(List.of(), store().loadAll().routers());
    }

    @Test
    void shouldLoadNothingWithoutRoutersDirectory() throws IOException {
        assertEquals(new RouterStore.Loaded(List.of(), List.of()), store().loadAll());
    }

    @Test
    void shouldNameLinesOfKeys() {
        assertEquals(3, RouterStore.lineOf("a = 1\nb = 2\n  \"vrid\" = 3\n", "vrid"));
        assertEquals(2, RouterStore.lineOf("x = 1\n[vrid]\n", "vrid"));
        assertEquals(1, RouterStore.lineOf("vridx = 1\n", "vrid"));
        assertEquals(1, RouterStore.lineOf("a = 1\n", null));
    }

    @Test
    void shouldKeepIpv6PrefixesAsWritten() throws IOException {
        write("v6.toml", "vrid = 3\nlink = \"eth1\"\naddress_family = \"inet6\"\naddresses = [\"2001:db8::5/64\"]\n");
        assertEquals(List.of(RouterSpec.derivedLinkLocal(3), IpPrefix.parse("2001:db8::5/64")),
                store().loadAll().routers().getFirst().addresses());
    }
}
