package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.protocol.IpPrefix;
import io.vrrpd.protocol.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterControlTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEB = "{'name':'web','vrid':51,'link':'eth0','address_family':'inet',"
            + "'addresses':['192.0.2.100/24']}";

    @TempDir
    Path configDir;

    private RouterStore store;
    private final FakeRuntime runtime = new FakeRuntime();
    private final ManualClock clock = new ManualClock(0);
    private RouterControl control;

    private static JsonNode json(final String text) throws IOException {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @BeforeEach
    void open() throws IOException {
        store = new RouterStore(configDir);
        control = RouterControl.open(store, runtime, clock);
    }

    private JsonNode call(final String verb, final String args) throws Exception {
        return control.handle(verb, json(args));
    }

    private void assertRefused(final String message, final String verb, final String args) {
        final ControlException e = assertThrows(ControlException.class, () -> call(verb, args));
        assertEquals(message, e.getMessage());
    }

    private RouterSpec onDisk(final String name) throws IOException {
        return store.loadAll().routers().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    @Test
    @DisplayName("create-router validates, persists, applies, and answers the router with the defaults filled in")
    void shouldCreate() throws Exception {
        final JsonNode result = call("create-router", WEB);
        assertEquals(json("{'name':'web','vrid':51,'link':'eth0','address_family':'inet','version':3,'priority':100,"
                + "'adv_interval':1000,'preempt':true,'preempt_delay':0,'accept':true,'addresses':['192.0.2.100/24'],"
                + "'depends':[],'unicast_peers':[],'mac':'virtual','checksum':'pseudo-header','announce_count':3,"
                + "'announce_interval':1000,'on_master':'','on_backup':'','on_offline':'','hook_timeout':10000,"
                + "'sync_group':'','flap_count':5,'flap_window':60000,'enabled':true,'auth':'none'}"), result);
        assertEquals(runtime.running.get("web"), onDisk("web"));
        assertEquals(List.of("apply web"), runtime.calls);
    }

    @Test
    void shouldRefuseInvalidRequestsWithTheValidationMessage() throws Exception {
        assertRefused("name: required (the router's name)", "create-router", "{'vrid':1}");
        assertRefused("name: '1x' is not a valid router name (allowed: 1-31 letters, digits, '_', '-', '.',"
                + " starting with a letter)", "create-router", "{'name':'1x'}");
        assertRefused("priority: 0 is out of range (allowed: 1-255, 255 only for the address owner)", "create-router",
                WEB.replace("'vrid'", "'priority':0,'vrid'"));
        assertRefused("accept_mode must be true for virtual IP owner", "create-router",
                WEB.replace("'vrid'", "'priority':255,'accept':false,'vrid'"));
        call("create-router", WEB);
        assertRefused("router 'web' already exists", "create-router", WEB);
        assertRefused("vrid: 51 on eth0 (IPv4) is already used by router 'web'", "create-router",
                WEB.replace("'web'", "'web2'"));
        assertRefused("unknown verb 'reboot' (allowed: create-router, delete-router, enable-router, disable-router,"
                + " modify-router, clear-router, show-router)", "reboot", "{}");
        assertRefused("force: unknown key (allowed: name)", "delete-router", "{'name':'web','force':true}");
        assertRefused("router 'nope' does not exist", "enable-router", "{'name':'nope'}");
    }

    @Test
    @DisplayName("issue 12: a virtual address of another router on the same link is refused at create and modify,"
            + " naming that router; on another link it is allowed")
    void shouldRefuseAVirtualAddressOfAnotherRouter() throws Exception {
        call("create-router", WEB);
        final String other = "address: 192.0.2.100 is already a virtual address of router 'web' on eth0 (allowed: an"
                + " address no other router on this link has)";
        // Another VRID, another prefix length: still the link's one address.
        assertRefused(other, "create-router", "{'name':'db','vrid':52,'link':'eth0','address_family':'inet',"
                + "'addresses':['192.0.2.7/24','192.0.2.100/32']}");
        assertFalse(Files.exists(store.fileOf("db")));
        call("create-router", "{'name':'db','vrid':52,'link':'eth0','address_family':'inet','addresses':['192.0.2.7/24']}");
        assertRefused(other, "modify-router", "{'name':'db','addresses':['192.0.2.7/24','192.0.2.100/24']}");
        assertEquals(List.of(IpPrefix.parse("192.0.2.7/24")), onDisk("db").addresses());
        assertEquals(ControlException.Kind.CONFLICT, assertThrows(ControlException.class,
                () -> call("modify-router", "{'name':'db','addresses':['192.0.2.100/24']}")).kind());
        // Its own address again is no conflict; nor is the same address on another link (a warning in the log).
        call("modify-router", "{'name':'web','addresses':['192.0.2.100/24','192.0.2.101/24']}");
        call("create-router", "{'name':'lab','vrid':53,'link':'eth1','address_family':'inet','addresses':['192.0.2.100/24']}");
        assertEquals(List.of(IpPrefix.parse("192.0.2.100/24")), onDisk("lab").addresses());
        // Nor the same derived IPv6 link-local address on another link.
        call("create-router", "{'name':'v6a','vrid':60,'link':'eth0','address_family':'inet6','addresses':['2001:db8::1/64']}");
        call("create-router", "{'name':'v6b','vrid':60,'link':'eth1','address_family':'inet6','addresses':['2001:db8::2/64']}");
        assertRefused("address: fe80::200:5eff:fe00:23c is already a virtual address of router 'v6a' on eth0 (allowed:"
                + " an address no other router on this link has)", "create-router", "{'name':'v6c','vrid':61,"
                + "'link':'eth0','address_family':'inet6','addresses':['fe80::200:5eff:fe00:23c/64','2001:db8::3/64']}");
    }

    @Test
    @DisplayName("each refusal has its kind (the REST API's status): bad input, unknown name, wrong state")
    void shouldSetTheKindOfEachRefusal() throws Exception {
        final java.util.function.BiFunction<String, String, ControlException.Kind> kind = (verb, args) ->
                assertThrows(ControlException.class, () -> call(verb, args)).kind();
        assertEquals(ControlException.Kind.BAD_REQUEST, kind.apply("create-router", "{'vrid':1}"));
        assertEquals(ControlException.Kind.NOT_FOUND, kind.apply("enable-router", "{'name':'nope'}"));
        assertEquals(ControlException.Kind.NOT_FOUND, kind.apply("show-router", "{'name':'nope'}"));
        call("create-router", WEB);
        assertEquals(ControlException.Kind.CONFLICT, kind.apply("create-router", WEB));
        assertEquals(ControlException.Kind.CONFLICT, kind.apply("create-router", WEB.replace("'web'", "'web2'")));
        assertEquals(ControlException.Kind.BAD_REQUEST, kind.apply("modify-router", "{'name':'web','vrid':52}"));
    }

    @Test
    @DisplayName("a change the runtime refuses leaves no file (create) or the old file (modify)")
    void shouldRollBackRefusedChanges() throws Exception {
        runtime.refuse = "link: eth0 is not an Ethernet link";
        assertRefused("link: eth0 is not an Ethernet link", "create-router", WEB);
        assertFalse(Files.exists(store.fileOf("web")));
        runtime.refuse = null;
        call("create-router", WEB);
        runtime.refuse = "no";
        assertRefused("no", "modify-router", "{'name':'web','priority':50}");
        assertEquals(100, onDisk("web").priority());
        runtime.refuse = null;
        assertEquals(100, call("show-router", "{}").get(0).get("prio").intValue());
    }

    @Test
    void shouldModifyPersistAndApply() throws Exception {
        call("create-router", WEB);
        assertEquals(50, call("modify-router", "{'name':'web','priority':50,'preempt':false}").get("priority").intValue());
        assertEquals(50, onDisk("web").priority());
        assertEquals("e--a", runtime.running.get("web").mode());
        assertRefused("vrid: cannot be changed by modify-router (delete the router and create it again)",
                "modify-router", "{'name':'web','vrid':52}");
    }

    @Test
    @DisplayName("enable/disable persist the flag and are idempotent")
    void shouldEnableAndDisable() throws Exception {
        call("create-router", WEB);
        assertNull(call("disable-router", "{'name':'web'}"));
        assertFalse(onDisk("web").enabled());
        call("disable-router", "{'name':'web'}");
        call("enable-router", "{'name':'web'}");
        assertTrue(onDisk("web").enabled());
        assertEquals(List.of("apply web", "apply web", "apply web"), runtime.calls);
    }

    @Test
    void shouldDeleteAndClear() throws Exception {
        call("create-router", WEB);
        call("clear-router", "{'name':'web'}");
        call("delete-router", "{'name':'web'}");
        assertFalse(Files.exists(store.fileOf("web")));
        assertEquals(List.of("apply web", "clear web", "remove web"), runtime.calls);
        assertEquals(json("[]"), call("show-router", "{}"));
    }

    @Test
    @DisplayName("show-router answers every field of every view, times relative to now")
    void shouldShow() throws Exception {
        call("create-router", WEB);
        clock.set(13_345_678_900L);
        assertEquals(json("""
                [{'name':'web','vrid':51,'link':'eth0','af':'IPv4','prio':100,'adv_intv':1000,'mode':'e-pa',
                  'state':'BACKUP','vnic':'vrrp4-51','admin':'online','prv_stat':'INIT','stat_last':'12.345s',
                  'primary_ip':'192.0.2.1','virtual_ips':['192.0.2.100/24'],'sync_group':null,'reason':'started','peer':'192.0.2.2',
                  'p_prio':200,'p_intv':1000,'p_adv_last':'10.845s','m_down_intv':3609,'p_cksum':'message-only',
                  'adv_sent':10,'adv_rcvd':20,'transitions':1,'drops':{'bad_ttl':3},'hooks_run':2,'hook_failures':1,'hooks_superseded':0,
                  'rcvd_pseudo_header':15,'rcvd_message_only':5,'eff_prio':null,'auth':null,'file_error':null}]""").toString(),
                call("show-router", "{'name':'web'}").toString(), "the same JSON text (number node types differ)");
        assertRefused("router 'x' does not exist", "show-router", "{'name':'x'}");
    }

    @Test
    @DisplayName("open loads the valid files into the runtime and reports the broken ones")
    void shouldOpenExistingFiles() throws Exception {
        call("create-router", WEB);
        Files.writeString(store.directory().resolve("bad.toml"), "vrid = 300\nlink = \"eth0\"\naddress_family = \"inet\"\n");
        final FakeRuntime fresh = new FakeRuntime();
        final RouterControl reopened = RouterControl.open(store, fresh, clock);
        assertEquals(List.of("apply web"), fresh.calls);
        assertEquals(List.of(store.directory().resolve("bad.toml") + ":1: vrid: 300 is out of range (allowed: 1-255)"),
                reopened.loadErrors().stream().map(Object::toString).toList());
        assertEquals(2, reopened.handle("show-router", json("{}")).size(), "the broken file is shown too");
    }

    @Test
    @DisplayName("issue 12: a broken file at start is a show-router row: ADMIN maintenance, REASON FILE:LINE: message,"
            + " the VRID, link and family its text gives; its VNIC is not a leftover")
    void shouldShowABrokenFileAtStart() throws Exception {
        Files.createDirectories(store.directory());
        Files.writeString(store.directory().resolve("bad.toml"),
                "vrid = 60\nlink = 'eth1'\naddress_family = 'inet6'\npriority = 300\n");
        final RouterControl opened = RouterControl.open(store, runtime, clock);
        final String reason = store.directory().resolve("bad.toml")
                + ":4: priority: 300 is out of range (allowed: 1-255, 255 only for the address owner)";
        final JsonNode row = opened.handle("show-router", json("{'name':'bad'}")).get(0);
        assertEquals("bad", row.get("name").textValue());
        assertEquals("maintenance", row.get("admin").textValue());
        assertEquals("INIT", row.get("state").textValue());
        assertEquals(reason, row.get("reason").textValue());
        assertEquals(reason, row.get("file_error").textValue(), "the dashboard shows this instead of its buttons");
        assertEquals(60, row.get("vrid").intValue());
        assertEquals("eth1", row.get("link").textValue());
        assertEquals("IPv6", row.get("af").textValue());
        assertTrue(row.get("prio").isNull());
        assertEquals(List.of(), runtime.calls, "nothing of it runs");
        final List<io.vrrpd.daemon.config.BrokenRouterFile> files = opened.brokenFiles();
        assertEquals(1, files.size());
        assertTrue(files.getFirst().couldOwn(io.vrrpd.protocol.AddressFamily.IPV6, 60, "eth1"));
        assertFalse(files.getFirst().couldOwn(io.vrrpd.protocol.AddressFamily.IPV4, 60, "eth1"));
        assertFalse(files.getFirst().couldOwn(io.vrrpd.protocol.AddressFamily.IPV6, 61, "eth1"));
        assertFalse(files.getFirst().couldOwn(io.vrrpd.protocol.AddressFamily.IPV6, 60, "eth0"));
    }

    @Test
    @DisplayName("issue 12: a file that does not even parse could own any VNIC; it still has a row")
    void shouldShowAFileThatDoesNotParse() throws Exception {
        Files.createDirectories(store.directory());
        Files.writeString(store.directory().resolve("junk.toml"), "vrid = \n[[[\n");
        final RouterControl opened = RouterControl.open(store, runtime, clock);
        final JsonNode row = opened.handle("show-router", json("{}")).get(0);
        assertEquals("junk", row.get("name").textValue());
        assertEquals("maintenance", row.get("admin").textValue());
        assertTrue(row.get("reason").textValue().startsWith(store.directory().resolve("junk.toml") + ":1: "),
                row.toString());
        assertTrue(row.get("vrid").isNull());
        assertTrue(opened.brokenFiles().getFirst().couldOwn(io.vrrpd.protocol.AddressFamily.IPV4, 7, "eth3"));
    }

    @Test
    @DisplayName("issue 12: on SIGHUP a running router whose file broke keeps running and its REASON names the file;"
            + " a new broken file is a maintenance row; fixing either applies it")
    void shouldShowFilesThatBrokeOnReload() throws Exception {
        call("create-router", WEB);
        runtime.calls.clear();
        Files.writeString(store.fileOf("web"), "vrid = 51\npriority = \n");
        Files.writeString(store.directory().resolve("db.toml"),
                "vrid = 52\nlink = 'eth0'\naddress_family = 'inet'\naddresses = ['192.0.2.7/24']\npriority = 0\n");
        assertEquals("reload: 0 added, 0 changed, 0 removed, 1 unchanged, 2 file(s) refused", control.reload());
        assertEquals(2, control.brokenCount(), "for /metrics");
        assertEquals(List.of(), runtime.calls, "web keeps running as it was; db does not start");
        final JsonNode rows = call("show-router", "{}");
        assertEquals(List.of("db", "web"), List.of(rows.get(0).get("name").textValue(), rows.get(1).get("name").textValue()));
        assertEquals("maintenance", rows.get(0).get("admin").textValue());
        assertEquals(store.fileOf("db") + ":5: priority: 0 is out of range (allowed: 1-255, 255 only for the address"
                + " owner)", rows.get(0).get("reason").textValue());
        assertEquals("online", rows.get(1).get("admin").textValue(), "web runs");
        assertEquals("BACKUP", rows.get(1).get("state").textValue());
        assertTrue(rows.get(1).get("reason").textValue().startsWith(store.fileOf("web") + ":2: "), rows.toString());
        assertTrue(rows.get(1).get("reason").textValue().endsWith("(running the configuration loaded before; started)"),
                rows.toString());
        assertEquals(rows.get(0).get("reason").textValue(), rows.get(0).get("file_error").textValue());
        assertTrue(rows.get(1).get("file_error").textValue().startsWith(store.fileOf("web") + ":2: "), rows.toString());
        // Verbs that would rewrite the file (or cannot make it load) are refused, saying what to do.
        final ControlException modify = assertThrows(ControlException.class,
                () -> call("modify-router", "{'name':'web','priority':50}"));
        assertEquals(ControlException.Kind.CONFLICT, modify.kind());
        assertTrue(modify.getMessage().startsWith("cannot modify router 'web': " + store.fileOf("web") + ":2: "),
                modify.getMessage());
        assertTrue(modify.getMessage().endsWith("(fix the file and send vrrpd SIGHUP, or delete-router web)"));
        assertEquals(ControlException.Kind.CONFLICT, assertThrows(ControlException.class,
                () -> call("clear-router", "{'name':'db'}")).kind());
        assertEquals(ControlException.Kind.CONFLICT, assertThrows(ControlException.class,
                () -> call("disable-router", "{'name':'db'}")).kind());
        assertTrue(assertThrows(ControlException.class, () -> call("create-router", WEB.replace("'web'", "'db'")))
                .getMessage().startsWith("router 'db' already exists: " + store.fileOf("db") + ":5: "));
        assertEquals(List.of(), runtime.calls);
        // Fixed: both are applied and the rows are ordinary again.
        Files.writeString(store.fileOf("db"), Files.readString(store.fileOf("db")).replace("priority = 0", "priority = 90"));
        store.save(runtime.running.get("web").toBuilder().priority(120).build());
        assertEquals("reload: 1 added, 1 changed, 0 removed, 0 unchanged", control.reload());
        assertEquals(0, control.brokenCount());
        final JsonNode fixed = call("show-router", "{}");
        assertEquals("online", fixed.get(0).get("admin").textValue());
        assertEquals("started", fixed.get(0).get("reason").textValue());
        assertEquals("started", fixed.get(1).get("reason").textValue());
        assertTrue(fixed.get(0).get("file_error").isNull() && fixed.get(1).get("file_error").isNull(), fixed.toString());
    }

    @Test
    @DisplayName("issue 12: delete-router removes a broken file and its row")
    void shouldDeleteABrokenFile() throws Exception {
        Files.createDirectories(store.directory());
        Files.writeString(store.directory().resolve("bad.toml"), "vrid = 300\n");
        final RouterControl opened = RouterControl.open(store, runtime, clock);
        opened.handle("delete-router", json("{'name':'bad'}"));
        assertFalse(Files.exists(store.directory().resolve("bad.toml")));
        assertEquals(json("[]"), opened.handle("show-router", json("{}")));
        assertEquals(List.of(), runtime.calls);
    }

    /**
     * 1000 routers at start on a busy loop: 5 loads did not answer within 10 s, were logged as refused and left out
     * of show-router (995 listed), yet the loop ran them when it got to them, so 5 routers ran unseen. A load the
     * runtime queued is a configured router: listed, and running once the loop catches up.
     */
    @Test
    @DisplayName("open: a router whose load the busy loop queued is listed, not dropped as refused")
    void shouldListARouterWhoseLoadTheBusyLoopQueued() throws Exception {
        call("create-router", WEB);
        call("create-router", "{'name':'db','vrid':52,'link':'eth0','address_family':'inet',"
                + "'addresses':['192.0.2.101/24']}");
        final FakeRuntime busy = new FakeRuntime();
        busy.busy = true;
        final RouterControl reopened = RouterControl.open(store, busy, clock);
        assertEquals(List.of(), reopened.loadErrors(), "a queued load is no refusal");
        busy.catchUp();
        assertEquals(List.of("db", "web"), reopened.handle("show-router", json("{}")).findValuesAsText("name"));
        assertEquals(List.of("db", "web"), List.copyOf(busy.running.keySet()));
    }

    @Test
    @DisplayName("SIGHUP: a new router whose apply the busy loop queued is listed, and not applied again")
    void shouldListARouterWhoseReloadTheBusyLoopQueued() throws Exception {
        call("create-router", WEB);
        Files.writeString(store.directory().resolve("db.toml"),
                "vrid = 52\nlink = 'eth0'\naddress_family = 'inet'\naddresses = ['192.0.2.101/24']\n");
        runtime.busy = true;
        control.reload();
        runtime.catchUp();
        assertEquals(List.of("db", "web"), control.handle("show-router", json("{}")).findValuesAsText("name"));
        runtime.calls.clear();
        assertTrue(control.reload().startsWith("reload: 0 added, 0 changed, 0 removed, 2 unchanged"));
        assertEquals(List.of(), runtime.calls);
    }

    @Test
    @DisplayName("create-router on a busy loop: the change is queued, so it stays on disk and is listed; the answer says so")
    void shouldKeepAChangeTheBusyLoopQueued() throws Exception {
        runtime.busy = true;
        final ControlException e = assertThrows(ControlException.class, () -> call("create-router", WEB));
        assertEquals(ControlException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("queued"), e.getMessage());
        runtime.catchUp();
        assertEquals("web", onDisk("web").name());
        assertEquals(List.of("web"), control.handle("show-router", json("{}")).findValuesAsText("name"));
    }
}
