package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.PrimitiveResult;
import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.ServiceStatus;
import io.vrrpd.cluster.ServiceStore;
import io.vrrpd.cluster.StoredService;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The cluster engine on three in-memory hosts: placement, moves, failures, partitions, the admin verbs. Each test
 * asserts the DESIGN.md §4 guarantee on the runner's ledger: never two copies running at once.
 */
class ServiceClusterTest {
    private static final List<String> NODES = List.of("a", "b", "c");
    private static final long FENCING_MS = 300;
    private static final long LEASE_MS = 400;

    private final InMemoryNetwork network = new InMemoryNetwork(NODES);
    private final ScriptedRunner runner = new ScriptedRunner();
    private final Map<String, ServiceCluster> hosts = new TreeMap<>();
    private final Map<String, MemoryStore> stores = new TreeMap<>();
    private final Map<String, java.util.SortedSet<String>> ledgers = new ConcurrentHashMap<>();

    static final class MemoryStore implements ServiceStore {
        final Map<String, StoredService> files = new ConcurrentHashMap<>();
        /** How long a save takes (a slow disk): the cluster's actor waits for it. */
        volatile long saveMillis;
        /** Whether a slow save is under way now. */
        volatile boolean saving;

        @Override
        public List<StoredService> loadAll() {
            return new ArrayList<>(files.values());
        }

        @Override
        public void save(final StoredService service) throws java.io.IOException {
            if (failing) {
                throw new java.io.IOException("No space left on device");
            }
            if (saveMillis > 0) {
                saving = true;
                try {
                    Thread.sleep(saveMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    saving = false;
                }
            }
            files.put(service.name(), service);
        }

        @Override
        public void delete(final String name) {
            files.remove(name);
        }

        final Map<String, Long> tombstones = new ConcurrentHashMap<>();
        /** A disk that refuses writes (full, read-only, I/O error). */
        volatile boolean failing;

        @Override
        public Map<String, Long> loadTombstones() {
            return Map.copyOf(tombstones);
        }

        @Override
        public void saveTombstones(final Map<String, Long> deleted) throws java.io.IOException {
            if (failing) {
                throw new java.io.IOException("No space left on device");
            }
            tombstones.clear();
            tombstones.putAll(deleted);
        }
    }

    private void startAll() throws Exception {
        for (final String node : NODES) {
            startHost(node);
        }
        waitFor(() -> hosts.values().stream().allMatch(h -> h.cluster().view() != null
                && h.cluster().view().members().size() == 3), "three hosts in one view");
    }

    private void startHost(final String node) throws Exception {
        startHost(node, FENCING_MS);
    }

    private void startHost(final String node, final long fencingMillis) throws Exception {
        final MemoryStore store = stores.computeIfAbsent(node, k -> new MemoryStore());
        hosts.put(node, ServiceCluster.start(new ServiceCluster.Settings("test", fencingMillis, 2_000, 10_000, LEASE_MS),
                network.membership(node), runner.on(node), store, names -> ledgers.put(node, names)));
    }

    @AfterEach
    void tearDown() {
        hosts.values().forEach(ServiceCluster::close);
    }

    private static ServiceSpec spec(final String name) {
        return new ServiceSpec(name, "/usr/local/lib/vrrpd/types/web", List.of(IpPrefix.parse("192.0.2.50/24")),
                "eth0", 0, new TreeMap<>(Map.of("port", "80")));
    }

    private ServiceStatus status(final String via, final String name) {
        return hosts.get(via).services().stream().filter(s -> s.spec().name().equals(name)).findFirst().orElse(null);
    }

    private String startedOn(final String via, final String name) {
        final ServiceStatus s = status(via, name);
        return s == null || s.state() != ServiceState.STARTED ? null : s.startedOn();
    }

    private void createActivateStart(final String via, final String name) throws ServiceException {
        final ServiceAdmin admin = hosts.get(via);
        admin.create(spec(name));
        final List<ServiceAdmin.NodeResult> results = admin.activate(name, NODES);
        assertEquals(3, results.size(), results.toString());
        assertTrue(results.stream().allMatch(ServiceAdmin.NodeResult::ok), results.toString());
        admin.start(name, null);
    }

    private static void waitFor(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void startsOnExactlyOneActiveHostAndEveryHostStoresTheService() throws Exception {
        startAll();
        createActivateStart("b", "web");
        waitFor(() -> "a".equals(startedOn("c", "web")), "c learns it started on a, the oldest member");
        assertEquals(1, runner.runs("web", Primitive.START).size());
        assertEquals(3, runner.runs("web", Primitive.ACTIVATE).size());
        assertEquals(java.util.Set.of("web"), ledgers.get("a"), "a recorded what it started, for --release-addresses");
        hosts.get("a").stop("web");
        waitFor(() -> ledgers.get("a").isEmpty(), "the ledger forgets a stopped service");
        waitFor(() -> stores.values().stream().allMatch(s -> s.files.containsKey("web")
                && s.files.get("web").wanted()), "every host persisted the wanted service");
        assertEquals(1, runner.maxConcurrent);
    }

    @Test
    void everyHostSeesTheWholeStatusTextBoundedAndMarkedWhenCut() throws Exception {
        final String page = "master, 2 replica(s)\nslave0: 192.0.2.2 online\nslave1: 192.0.2.3 online\n"
                + "x".repeat(600);
        runner.statusText = page;
        startAll();
        createActivateStart("b", "web");
        waitFor(() -> textOn("c", "a").equals(page.strip()), "c has a's whole status text, lines and all");

        runner.statusText = "y".repeat(40_000);
        hosts.get("b").check("web");
        waitFor(() -> textOn("c", "a").startsWith("yyy"), "the long text arrived");
        final String cut = textOn("c", "a");
        assertEquals(LocalStatus.MAX_STATUS_TEXT, cut.length());
        assertTrue(cut.endsWith("\n[cut: the status text has 40000 characters, 16384 are kept]"), cut.substring(16_000));
    }

    private String textOn(final String via, final String node) {
        final ServiceStatus s = status(via, "web");
        return s == null ? "" : s.nodes().stream().filter(r -> r.node().equals(node))
                .map(ServiceStatus.NodeRow::statusText).findFirst().orElse("");
    }

    @Test
    void aRequestFromAHostCutOffWithoutKnowingItFailsWithinTheCommitTimeout() throws Exception {
        startAll();
        createActivateStart("a", "web");
        network.crash("c"); // c keeps its old view: it does not know that nobody hears it
        final long sent = System.nanoTime();
        final ServiceException e = assertThrows(ServiceException.class, () -> hosts.get("c").stop("web"));
        final long took = (System.nanoTime() - sent) / 1_000_000;
        assertEquals("the coordinator a did not take the request within 2000 ms: this host may be cut off from it"
                + " (see show-cluster); the request was most likely not carried out (see show-service)", e.getMessage());
        assertTrue(took < 5_000, "failed after " + took + " ms, not after the 10 s operation timeout");
    }

    @Test
    void aHostThatHearsNoMajorityStopsItsServiceBeforeAnyViewSaysSo() throws Exception {
        startAll();
        createActivateStart("a", "web");
        final long cut = System.nanoTime();
        network.silence("a", true); // no view change: JGroups has not noticed yet
        waitFor(() -> runner.running.get("web").isEmpty(), "a stopped its copy on its own");
        final long took = (System.nanoTime() - cut) / 1_000_000;
        assertTrue(took < LEASE_MS + 600, "stopped " + took + " ms after the cut, lease " + LEASE_MS + " ms");
        assertTrue(runner.runs("web", Primitive.START).stream().noneMatch(r -> !r.node().equals("a")),
                "nothing started elsewhere: the others' view has not changed");
        final ServiceException noQuorum = assertThrows(ServiceException.class, () -> hosts.get("a").stop("web"));
        assertTrue(noQuorum.getMessage().startsWith("no quorum: this host has not heard from a majority"));
        assertEquals(ServiceException.Kind.UNAVAILABLE, noQuorum.kind());
        network.silence("a", false);
        waitFor(() -> "a".equals(startedOn("b", "web")), "a majority heard again: the coordinator starts it again");
        assertEquals(1, runner.maxConcurrent);
    }

    /**
     * A view change on the cut-off host that keeps a member it has not heard since the cut (JGroups removes lost
     * members one at a time) must not renew its lease: with two leases of grace per view change the host kept its
     * copy up to three leases after the cut, past the majority's start (failure timeout + suspicion check +
     * fencing delay).
     */
    @Test
    void aViewChangeAfterTheCutDoesNotRenewTheLease() throws Exception {
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("b", "web")), "b learns it started on a");
        final long cut = System.nanoTime();
        network.silence("a", true);
        Thread.sleep(LEASE_MS / 2);
        network.partition(List.of(List.of("a", "b"), List.of("c"))); // a's new view keeps b, unheard since the cut
        waitFor(() -> runner.running.get("web").isEmpty(), "a stopped its copy on its own");
        final long took = (System.nanoTime() - cut) / 1_000_000;
        assertTrue(took < LEASE_MS + 300, "stopped " + took + " ms after the cut, lease " + LEASE_MS + " ms");
    }

    @Test
    void crashedHostsServiceStartsElsewhereOnlyAfterTheFencingDelay() throws Exception {
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("b", "web")), "b learns it started on a");
        final long crashed = System.nanoTime();
        network.crash("a");
        runner.crashed("a");
        waitFor(() -> "b".equals(startedOn("b", "web")), "web started on b");
        final ScriptedRunner.Run start = runner.runs("web", Primitive.START).getLast();
        assertEquals("b", start.node());
        final long took = (System.nanoTime() - crashed) / 1_000_000;
        assertTrue(took >= FENCING_MS, "started " + took + " ms after the crash, fencing delay " + FENCING_MS);
        assertEquals(List.of("b", "c"), start.invocation().activeNodes(), "VRRPD_NODES: the active nodes in the view");
        assertEquals(1, runner.maxConcurrent);
    }

    /**
     * The start is decided when the fencing delay ends, not at the next 200 ms placement tick after it (a quarter
     * of the whole failover budget of a tight configuration; bench/cluster.sh). The in-memory network installs the
     * survivors' view at the crash, so the start comes the fencing delay after the crash plus the engine's own
     * handling; with the tick it came 0-200 ms later still.
     */
    @Test
    void crashedHostsServiceStartsAsSoonAsTheFencingDelayEnds() throws Exception {
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("b", "web")), "b learns it started on a");
        final long crashed = System.nanoTime();
        network.crash("a");
        runner.crashed("a");
        final long deadline = crashed + 10_000_000_000L;
        while (!runner.running.getOrDefault("web", java.util.Set.of()).contains("b") && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        final long took = (System.nanoTime() - crashed) / 1_000_000;
        // + 150 ms: room for a loaded 2-core CI machine, still short of the tick's worst case (+ 200 ms), so the tick
        // alone fails this most of the time; bench/cluster.sh measures the step (view -> decision = F + 0-130 ms).
        assertTrue(took >= FENCING_MS && took < FENCING_MS + 150, "started " + took + " ms after the crash, fencing"
                + " delay " + FENCING_MS + " ms");
    }

    @Test
    void minorityStopsItsCopyAndMajorityStartsItOnceThenHealKeepsOneCopy() throws Exception {
        startAll();
        createActivateStart("a", "web");
        network.partition(List.of(List.of("a"), List.of("b", "c")));
        waitFor(() -> "b".equals(startedOn("b", "web")), "majority started web");
        waitFor(() -> runner.runs("web", Primitive.STOP).stream().anyMatch(r -> r.node().equals("a")),
                "the minority stopped its copy");
        assertEquals(1, runner.maxConcurrent, "never two copies");
        assertThrows(ServiceException.class, () -> hosts.get("a").stop("web"), "no quorum on a");
        network.heal();
        waitFor(() -> hosts.get("a").cluster().view().members().size() == 3, "healed");
        Thread.sleep(500);
        waitFor(() -> "b".equals(startedOn("a", "web")), "a learns the copy on b is the one");
        assertEquals(java.util.Set.of("b"), runner.running.get("web"));
        assertEquals(2, runner.runs("web", Primitive.START).size(), "one start per side of the history");
    }

    @Test
    void lostTableAndReportAfterAViewChange_coordinatorAsksAgain_andAdminVerbsAndPlacementGoOn() throws Exception {
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("b", "web")), "b learns it started on a");
        // b's broadcasts on the next view change never reach the coordinator a (JGroups drops a message from a
        // sender not yet in the receiver's view): without asking again, a waits for b's table forever.
        network.dropNext("b", "a", "\"m\":\"table\"", 1);
        network.dropNext("b", "a", "\"m\":\"report\"", 1);
        network.partition(List.of(List.of("a", "b"), List.of("c")));
        waitFor(() -> hosts.get("a").cluster().view().members().equals(List.of("a", "b")), "a's view is a, b");
        final long before = System.nanoTime();
        hosts.get("a").stop("web"); // awaits a synced view first
        waitFor(() -> "b".equals(startedOn("a", "web")), "moved to b");
        final long took = (System.nanoTime() - before) / 1_000_000;
        assertTrue(took < 3_000, "the coordinator resynced within " + took + " ms");
        assertEquals(1, runner.maxConcurrent);
    }

    @Test
    void lostPlacementCommand_isSentAgain_andTheServiceStarts() throws Exception {
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("c", "web")), "started on a");
        // The coordinator a's start command to b is lost (a message across a view change can be): without a resend
        // the service stays stopped, since a waits for b to confirm a command b never got.
        network.dropNext("a", "b", "\"op\":\"start\"", 1);
        hosts.get("c").stop("web");
        waitFor(() -> "b".equals(startedOn("c", "web")), "moved to b after the lost start was sent again");
        assertEquals(1, runner.maxConcurrent);
    }

    @Test
    void coordinatorsOwnCommitLate_createReturnsOnlyOnceItHasTheService() throws Exception {
        startAll();
        // a coordinates; its own commit of the create comes back to it after b's and c's acks.
        network.delayNext("a", "a", "\"m\":\"commit\"", 1, 500);
        hosts.get("a").create(spec("web"));
        final List<ServiceAdmin.NodeResult> results = hosts.get("b").activate("web", NODES);
        assertEquals(3, results.size(), results.toString());
    }

    @Test
    void stopServiceMovesItAndStartServiceDashNMovesItBack() throws Exception {
        startAll();
        createActivateStart("c", "web");
        hosts.get("c").stop("web");
        waitFor(() -> "b".equals(startedOn("c", "web")), "moved off a");
        hosts.get("c").start("web", "a");
        waitFor(() -> "a".equals(startedOn("c", "web")), "c learns it moved to a");
        final List<ScriptedRunner.Run> stops = runner.runs("web", Primitive.STOP);
        assertEquals(List.of("a", "b"), stops.stream().map(ScriptedRunner.Run::node).toList());
        assertEquals(1, runner.maxConcurrent);
    }

    /**
     * After a partition heals, the coordinator may install the merged view after the others (seen on real hosts:
     * a second later). The tables they broadcast on their install reach it while they are not yet in its view and
     * are dropped; it must still hear every member's table, or every admin verb waits for it (vrrpadm gave up
     * after 30 s, create-service never happened) and nothing is placed.
     */
    @Test
    void aCoordinatorThatInstallsTheMergedViewLastStillSyncsAndServesVerbs() throws Exception {
        startAll();
        network.partition(List.of(List.of("a"), List.of("b", "c")));
        waitFor(() -> hosts.get("a").cluster().view().members().size() == 1, "a alone");
        network.holdViews("a");
        network.heal(); // b and c install {a, b, c} now, a only when released
        waitFor(() -> hosts.get("b").cluster().view().members().size() == 3, "b in the merged view");
        Thread.sleep(100); // b's and c's tables reach a while it is still alone
        network.releaseView("a");
        final long started = System.nanoTime();
        createActivateStart("b", "web");
        waitFor(() -> startedOn("c", "web") != null, "web started");
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "the verbs waited for a table that never came");
    }

    /**
     * A verb right after create-service finds the service, even when the coordinator's own copy of the commit comes
     * back after the others' acks (seen on real hosts: "no service named redis" from the activate-service that
     * followed a successful create-service).
     */
    @Test
    void aVerbRightAfterCreateFindsTheServiceWhenTheCoordinatorsOwnCommitIsLate() throws Exception {
        startAll();
        network.loopbackDelay(50);
        final ServiceCluster a = hosts.get("a");
        a.create(spec("web"));
        assertEquals(3, a.activate("web", NODES).size());
    }

    /**
     * The first start-service -n NODE of a service starts it there and nowhere else: making it wanted must not let
     * the coordinator place it on its own first choice (the coordinator itself, a) and then move it (seen on real
     * hosts: started on h2, stopped, started on h1).
     */
    @Test
    void firstStartServiceDashNStartsItOnlyOnThatNode() throws Exception {
        startAll();
        final ServiceCluster a = hosts.get("a");
        a.create(spec("web"));
        a.activate("web", NODES);
        a.start("web", "c");
        waitFor(() -> "c".equals(startedOn("a", "web")), "started on c");
        Thread.sleep(200); // a move would show up as a stop and a second start
        assertEquals(List.of("c"), runner.runs("web", Primitive.START).stream().map(ScriptedRunner.Run::node).toList());
        assertEquals(List.of(), runner.runs("web", Primitive.STOP));
    }

    @Test
    void deactivatingTheStartedHostMovesTheServiceAndDeactivatingEverywhereStopsIt() throws Exception {
        startAll();
        createActivateStart("a", "web");
        final List<ServiceAdmin.NodeResult> results = hosts.get("b").deactivate("web", List.of("a"));
        assertEquals(List.of(new ServiceAdmin.NodeResult("a", true, "deactivated")), results);
        waitFor(() -> "b".equals(startedOn("a", "web")), "moved to b");
        hosts.get("a").deactivate("web", List.of("b", "c"));
        waitFor(() -> runner.running.get("web").isEmpty(), "stopped everywhere");
        assertFalse(status("a", "web").wanted(), "deactivated everywhere: no longer wanted");
        assertEquals(3, runner.runs("web", Primitive.DEACTIVATE).size());
    }

    @Test
    void checkFailingStopsAndMarksFailedThenTheServiceMoves() throws Exception {
        startAll();
        createActivateStart("a", "web");
        runner.script.put("a/check", PrimitiveResult.Outcome.CHECK_FAILING);
        final List<ServiceAdmin.NodeResult> results = hosts.get("c").check("web");
        assertFalse(results.stream().filter(r -> r.node().equals("a")).findFirst().orElseThrow().ok());
        waitFor(() -> "b".equals(startedOn("c", "web")), "moved to b");
        final ServiceStatus.NodeRow a = status("c", "web").nodes().stream().filter(r -> r.node().equals("a"))
                .findFirst().orElseThrow();
        assertEquals(ServiceState.FAILED, a.state());
        assertEquals("failing", a.lastCheckResult());
        assertTrue(runner.runs("web", Primitive.FAILED).stream().anyMatch(r -> r.node().equals("a")),
                "self-repair was tried");
        runner.script.remove("a/check");
        hosts.get("c").clear("web", "a");
        waitFor(() -> status("c", "web").nodes().stream().anyMatch(r -> r.node().equals("a")
                && r.state() == ServiceState.STOPPED), "cleared");
        assertEquals(1, runner.maxConcurrent);
    }

    @Test
    void checkAlreadyFailedMarksFailedWithoutAStopAndARepairResetsTheHost() throws Exception {
        startAll();
        createActivateStart("a", "web");
        runner.script.put("a/check", PrimitiveResult.Outcome.CHECK_FAILED);
        runner.script.put("a/failed", PrimitiveResult.Outcome.SUCCESS);
        hosts.get("a").check("web");
        waitFor(() -> "b".equals(startedOn("a", "web")), "moved to b");
        assertTrue(runner.runs("web", Primitive.STOP).stream().noneMatch(r -> r.node().equals("a")),
                "exit 3: no stop on a");
        waitFor(() -> status("a", "web").nodes().stream().anyMatch(r -> r.node().equals("a")
                && r.state() == ServiceState.STOPPED), "repaired: a is active and stopped again");
    }

    @Test
    void aHangingCheckCountsAsFailing() throws Exception {
        startAll();
        createActivateStart("a", "web");
        runner.script.put("a/check", PrimitiveResult.Outcome.TIMEOUT);
        hosts.get("b").check("web");
        waitFor(() -> "b".equals(startedOn("a", "web")), "moved to b after the check timed out");
        assertEquals("timeout", status("a", "web").nodes().stream().filter(r -> r.node().equals("a")).findFirst()
                .orElseThrow().lastCheckResult());
    }

    @Test
    void updateRunsOnEveryActiveHostAndReportsTheOneThatFailed() throws Exception {
        startAll();
        createActivateStart("a", "web");
        runner.script.put("c/update", PrimitiveResult.Outcome.ERROR);
        final List<ServiceAdmin.NodeResult> results = hosts.get("b").update("web", Map.of("port", "8080"));
        assertEquals(List.of("a", "b", "c"), results.stream().map(ServiceAdmin.NodeResult::node).toList());
        assertEquals(List.of(true, true, false), results.stream().map(ServiceAdmin.NodeResult::ok).toList());
        waitFor(() -> stores.values().stream().allMatch(s -> "8080".equals(
                s.files.get("web").spec().properties().get("port"))), "every host stored the new property");
        final ServiceException refused = assertThrows(ServiceException.class,
                () -> hosts.get("b").update("web", Map.of("addresses", "192.0.2.51/24")));
        assertTrue(refused.getMessage().startsWith("primary configuration (addresses) cannot change while service"
                + " web is active on a, b, c"), refused.getMessage());
    }

    @Test
    void updateRunsWithTheNewPropertiesEvenWhenTheCommitArrivesAfterTheCommand() throws Exception {
        // JGroups orders a sender's multicasts and its unicasts separately: the commit (broadcast) may reach a host
        // after the command (unicast) that runs update there. The majority (a, b) acknowledged it; c lags.
        startAll();
        createActivateStart("a", "web");
        network.delayNext("a", "c", "\"m\":\"commit\"", 1, 500);
        final List<ServiceAdmin.NodeResult> results = hosts.get("b").update("web", Map.of("port", "8080"));
        assertTrue(results.stream().allMatch(ServiceAdmin.NodeResult::ok), results.toString());
        assertEquals(List.of("a=8080", "b=8080", "c=8080"), runner.runs("web", Primitive.UPDATE).stream()
                .map(r -> r.node() + "=" + r.spec().properties().get("port")).sorted().toList(),
                "every host's update saw the new property");
    }

    @Test
    void aSlowDiskOnTheStartedHostDoesNotLoseItsQuorumLease() throws Exception {
        // a's actor waits 3 leases for its table write while b and c keep talking: their messages queue up behind
        // it. Counted by when they arrived, they keep the lease; counted when the actor got to them, a would stop
        // its service for nothing (a quorum lease lost on a loaded CI machine).
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("c", "web")), "started on a");
        stores.get("a").saveMillis = 3 * LEASE_MS;
        hosts.get("b").update("web", Map.of("port", "8080"));
        stores.get("a").saveMillis = 0;
        Thread.sleep(2 * LEASE_MS);
        assertEquals(List.of(), runner.runs("web", Primitive.STOP), "nothing stopped");
        assertEquals("a", startedOn("c", "web"));
    }

    /**
     * The lease is evaluated on a thread of its own: a's actor is stuck in a table write for ten leases when a is cut
     * off, and a still stops its copy within the lease (it used to wait for the disk: the copy ran on past the
     * majority's start).
     */
    @Test
    void aHostWhoseActorIsBlockedInASlowStoreStillLosesItsLeaseInTime() throws Exception {
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("c", "web")), "started on a");
        stores.get("a").saveMillis = 10 * LEASE_MS;
        final ServiceAdmin b = hosts.get("b");
        Thread.ofVirtual().start(() -> {
            try {
                b.update("web", Map.of("port", "8080"));
            } catch (ServiceException e) {
                // its outcome does not matter here: only a's slow save of it
            }
        });
        waitFor(() -> stores.get("a").saving, "a's actor is in save() (for 4 s)");
        final long cut = System.nanoTime();
        network.silence("a", true);
        waitFor(() -> runner.running.get("web").isEmpty(), "a stopped its copy on its own");
        final long took = (System.nanoTime() - cut) / 1_000_000;
        stores.get("a").saveMillis = 0;
        assertTrue(took < LEASE_MS + LEASE_MS / 5 + 600, "stopped " + took + " ms after the cut, lease " + LEASE_MS
                + " ms, a's actor blocked for " + 10 * LEASE_MS + " ms");
    }

    /**
     * Self-fencing with a stop that hangs: the addresses come off first, the stop starts at once, and the service's
     * cgroup is killed at the fence deadline — the lease's expiry plus fencing_delay − 1.3 × failure timeout — not
     * after the stop's own timeout.
     */
    @Test
    void aLostLeaseTakesTheAddressesOffFirstAndKillsTheServiceAtTheDeadlineWhenItsStopHangs() throws Exception {
        for (final String node : NODES) {
            startHost(node, 1_000);
        }
        waitFor(() -> hosts.values().stream().allMatch(h -> h.cluster().view() != null
                && h.cluster().view().members().size() == 3), "three hosts in one view");
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("c", "web")), "started on a");
        runner.slow.put("a/stop", 20_000L);
        final long cut = System.nanoTime();
        network.silence("a", true);
        waitFor(() -> runner.running.get("web").isEmpty(), "a's copy is gone");
        final long gone = (System.nanoTime() - cut) / 1_000_000;
        final long released = runner.when("a/web/release");
        final long stopBegan = runner.when("a/web/stop-begin");
        final long killed = runner.when("a/web/kill");
        assertTrue(released > 0 && stopBegan > 0 && killed > 0, runner.events.toString());
        assertTrue(released <= stopBegan, "addresses off before the stop: " + runner.events);
        final long budget = new ServiceCluster.Settings("test", 1_000, 2_000, 10_000, LEASE_MS)
                .selfFenceBudgetMillis();
        assertTrue((killed - stopBegan) / 1_000_000 >= budget - LEASE_MS / 5 - 50,
                "the stop had its budget (" + budget + " ms) before the kill: " + runner.events);
        // The others may start it V + F after the cut (V = LEASE/3): it is dead before.
        assertTrue(gone < LEASE_MS / 3 + 1_000, "dead " + gone + " ms after the cut");
        assertTrue(gone < 2_000, "not after the stop's own 20 s");
    }

    /** A start still running when the lease is lost is killed, not waited for: the stop does not queue behind it. */
    @Test
    void aLostLeaseKillsAStartThatIsStillRunningInsteadOfQueueingTheStopBehindIt() throws Exception {
        startAll();
        hosts.get("a").create(spec("web"));
        hosts.get("a").activate("web", NODES);
        runner.slow.put("a/start", 20_000L);
        final ServiceAdmin a = hosts.get("a");
        Thread.ofVirtual().start(() -> {
            try {
                a.start("web", "a"); // waits for the start: it fails, killed by the fence
            } catch (ServiceException expected) {
                // "did not start"
            }
        });
        waitFor(() -> runner.when("a/web/start-begin") > 0, "a's start runs");
        final long cut = System.nanoTime();
        network.silence("a", true);
        waitFor(() -> runner.when("a/web/stop-begin") > 0, "a runs the stop");
        final long took = (System.nanoTime() - cut) / 1_000_000;
        assertTrue(took < LEASE_MS + LEASE_MS / 5 + 600, "the stop began " + took + " ms after the cut, not after"
                + " the 20 s start: " + runner.events);
        assertTrue(runner.when("a/web/kill") > 0 && runner.when("a/web/kill") <= runner.when("a/web/stop-begin"),
                "the running start was killed first: " + runner.events);
        assertTrue(runner.running.getOrDefault("web", java.util.Set.of()).isEmpty(), "no copy");
    }

    @Test
    void joinAndLeaveAreSentToTheStartedInstance() throws Exception {
        startAll();
        hosts.get("a").create(spec("db"));
        hosts.get("a").activate("db", List.of("a", "b"));
        hosts.get("a").start("db", null);
        hosts.get("a").activate("db", List.of("c"));
        waitFor(() -> runner.runs("db", Primitive.JOIN).stream().anyMatch(r -> "c".equals(r.invocation().peer())),
                "join with VRRPD_PEER=c");
        network.partition(List.of(List.of("a", "b"), List.of("c")));
        waitFor(() -> runner.runs("db", Primitive.LEAVE).stream().anyMatch(r -> "c".equals(r.invocation().peer())),
                "leave with VRRPD_PEER=c");
        assertTrue(runner.runs("db", Primitive.JOIN).stream().allMatch(r -> r.node().equals("a")),
                "only the started instance hears join/leave");
    }

    @Test
    void errorsNameWhatIsWrong() throws Exception {
        startAll();
        final ServiceAdmin b = hosts.get("b");
        final ServiceException unknown = assertThrows(ServiceException.class, () -> b.start("web", null));
        assertEquals("no service named web (there are none)", unknown.getMessage());
        // the kind crosses from the coordinator with the message (the REST API's 404, 409, 400)
        assertEquals(ServiceException.Kind.NOT_FOUND, unknown.kind());
        b.create(spec("web"));
        final ServiceException exists = assertThrows(ServiceException.class, () -> b.create(spec("web")));
        assertEquals("service web already exists", exists.getMessage());
        assertEquals(ServiceException.Kind.CONFLICT, exists.kind());
        assertEquals(ServiceException.Kind.INVALID, assertThrows(ServiceException.class,
                () -> b.update("web", Map.of())).kind());
        assertEquals("service web is not active on any host: activate-service it first",
                assertThrows(ServiceException.class, () -> b.start("web", null)).getMessage());
        assertEquals("unknown node 'x': known nodes are a, b, c",
                assertThrows(ServiceException.class, () -> b.activate("web", List.of("x"))).getMessage());
        b.activate("web", List.of());
        assertEquals(List.of("b"), status("a", "web").activeOn(), "default: the node vrrpadm talked to");
        assertTrue(assertThrows(ServiceException.class, () -> b.start("web", "c")).getMessage()
                .startsWith("service web is not active on c: activate-service -n c web first"));
        assertEquals("service web is not started on any host",
                assertThrows(ServiceException.class, () -> b.stop("web")).getMessage());
    }

    @Test
    void deleteStopsDeactivatesAndRemovesTheServiceEverywhere() throws Exception {
        startAll();
        createActivateStart("a", "web");
        hosts.get("c").delete("web");
        waitFor(() -> stores.values().stream().noneMatch(s -> s.files.containsKey("web")), "every file removed");
        assertTrue(runner.running.get("web").isEmpty());
        assertNull(status("a", "web"));
    }

    @Test
    void aRestartedHostConvergesOnTheNewestTable() throws Exception {
        startAll();
        createActivateStart("a", "web");
        hosts.remove("c").close();
        hosts.get("a").update("web", Map.of("port", "9090"));
        assertEquals("80", stores.get("c").files.get("web").spec().properties().get("port"), "c was away");
        startHost("c");
        waitFor(() -> "9090".equals(stores.get("c").files.get("web").spec().properties().get("port")),
                "c took the newer revision");
    }

    // ---- issue 10: exactly one copy under faults ----

    @Test
    void aStopThatFailsBlocksTheServiceThere_nothingStartsElsewhere_untilTheOperatorClearsIt() throws Exception {
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("c", "web")), "started on a");
        runner.script.put("a/stop", PrimitiveResult.Outcome.ERROR); // its process goes on running
        final ServiceException refused = assertThrows(ServiceException.class, () -> hosts.get("b").start("web", "b"));
        assertTrue(refused.getMessage().contains("cannot start on b") && refused.getMessage().contains("stop failed")
                && refused.getMessage().contains("clear-service -n a web"), refused.getMessage());
        Thread.sleep(3 * FENCING_MS); // longer than any fencing delay: still nothing may start
        assertEquals(java.util.Set.of("a"), runner.running.get("web"), "the copy on a still runs, and only there");
        assertEquals(1, runner.maxConcurrent);
        assertTrue(runner.runs("web", Primitive.START).stream().noneMatch(r -> !r.node().equals("a")));
        final ServiceStatus.NodeRow a = status("c", "web").nodes().stream().filter(r -> r.node().equals("a"))
                .findFirst().orElseThrow();
        assertEquals(ServiceState.FAILED, a.state());
        assertTrue(a.blocked(), "shown blocked");
        assertEquals(1, a.failures(), "counted");
        assertTrue(a.result().contains("blocked"), a.result());
        assertTrue(runner.runs("web", Primitive.FAILED).isEmpty(), "no self-repair over a copy that may still run");
        assertEquals(java.util.Set.of("web"), ledgers.get("a"), "still recorded as held on a (for the clean-up)");
        assertThrows(ServiceException.class, () -> hosts.get("c").delete("web"), "a blocked service is not deleted");

        // The operator stops it by hand, checks, and clears the block.
        runner.running.get("web").remove("a");
        runner.script.remove("a/stop");
        hosts.get("c").clear("web", "a");
        waitFor(() -> startedOn("c", "web") != null, "started again once cleared");
        assertEquals(1, runner.maxConcurrent);
    }

    @Test
    void aStopServiceThatFailsSaysSoAndBlocks() throws Exception {
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("c", "web")), "started on a");
        runner.script.put("a/stop", PrimitiveResult.Outcome.TIMEOUT);
        final long t0 = System.nanoTime();
        final ServiceException e = assertThrows(ServiceException.class, () -> hosts.get("c").stop("web"));
        assertTrue(e.getMessage().contains("did not stop on a") && e.getMessage().contains("blocked"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "told at once, not after the operation timeout");
        Thread.sleep(3 * FENCING_MS);
        assertEquals(1, runner.maxConcurrent, "stop-service moves a service, but not over a failed stop");
        // A repaired stop ends the block with the next stop-service.
        runner.script.remove("a/stop");
        hosts.get("c").stop("web");
        waitFor(() -> startedOn("c", "web") != null && !"a".equals(startedOn("c", "web")), "moved once stopped");
        assertEquals(1, runner.maxConcurrent);
    }

    @Test
    void aBlockedHostThatLeavesIsFencedAndTheServiceStartsElsewhereAfterTheFencingDelay() throws Exception {
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("c", "web")), "started on a");
        runner.script.put("a/stop", PrimitiveResult.Outcome.ERROR);
        assertThrows(ServiceException.class, () -> hosts.get("b").start("web", "b"));
        network.partition(List.of(List.of("a"), List.of("b", "c")));
        runner.crashed("a"); // a self-fenced (its kill at the fence deadline is the fencing module's, not tested here)
        waitFor(() -> startedOn("b", "web") != null, "started in the majority after the fencing delay");
        assertEquals(1, runner.maxConcurrent);
    }

    @Test
    void stopServiceOfAServiceActiveOnOneHostStopsItThereAndReturns() throws Exception {
        startAll();
        hosts.get("b").create(spec("web"));
        hosts.get("b").activate("web", List.of("b"));
        hosts.get("b").start("web", null);
        waitFor(() -> "b".equals(startedOn("a", "web")), "started on b, its only active host");
        final long t0 = System.nanoTime();
        hosts.get("a").stop("web"); // no other active host: it starts again on b as soon as possible
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "answered once the stop ran, not after the timeout");
        assertEquals(1, runner.runs("web", Primitive.STOP).size());
        waitFor(() -> "b".equals(startedOn("a", "web")), "started again on b");
        assertEquals(1, runner.maxConcurrent);
    }

    @Test
    void aStartThatFailsOnTheTargetIsReportedAtOnceWithItsCause() throws Exception {
        startAll();
        createActivateStart("a", "web");
        waitFor(() -> "a".equals(startedOn("c", "web")), "started on a");
        runner.script.put("b/start", PrimitiveResult.Outcome.ERROR); // say, its port is taken on b
        final long t0 = System.nanoTime();
        final ServiceException e = assertThrows(ServiceException.class, () -> hosts.get("c").start("web", "b"));
        final long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 5_000, "answered after " + millis + " ms, not the 10 s operation timeout");
        assertTrue(e.getMessage().contains("did not start on b") && e.getMessage().contains("start failed: start: exit 1"),
                e.getMessage());
        waitFor(() -> startedOn("c", "web") != null, "it runs somewhere again");
        final ServiceStatus.NodeRow b = status("c", "web").nodes().stream().filter(r -> r.node().equals("b"))
                .findFirst().orElseThrow();
        assertTrue(b.result().startsWith("start failed: start: exit 1"), "the cause first, not 'not repaired': "
                + b.result());
        final ServiceException again = assertThrows(ServiceException.class, () -> hosts.get("c").start("web", "b"));
        assertTrue(again.getMessage().contains("is failed on b"), again.getMessage());
        assertEquals(1, runner.maxConcurrent);
    }

    @Test
    void aCoordinatorThatIsShuttingDownPlacesNothing() throws Exception {
        startAll();
        createActivateStart("b", "web");
        waitFor(() -> "a".equals(startedOn("c", "web")), "web started on a, the coordinator");
        final ServiceAdmin admin = hosts.get("b");
        admin.create(spec("db"));
        admin.activate("db", List.of("b", "c"));
        runner.script.put("b/start", PrimitiveResult.Outcome.ERROR);
        runner.script.put("c/start", PrimitiveResult.Outcome.ERROR);
        assertThrows(ServiceException.class, () -> admin.start("db", null), "failed on b and c");
        runner.script.remove("c/start");
        runner.slow.put("a/stop", 3_000L); // a's shutdown takes 3 s: the window
        final Thread closing = Thread.ofVirtual().start(() -> hosts.get("a").close());
        Thread.sleep(200);
        hosts.get("c").clear("db", "c"); // db may start on c now; a still coordinates, on its way out
        closing.join();
        final List<String> fromA;
        synchronized (network.sent) {
            fromA = network.sent.subList(network.sent.indexOf(network.sent.stream()
                    .filter(m -> m.startsWith("a>c") && m.contains("\"op\":\"clear\"")).findFirst().orElseThrow()),
                    network.sent.size()).stream().filter(m -> m.startsWith("a>") && m.contains("\"op\":\"start\"")).toList();
        }
        assertEquals(List.of(), fromA, "a, on its way out, placed nothing (in a cluster-wide shutdown c could be"
                + " stopping too)");
        hosts.remove("a");
        waitFor(() -> "c".equals(startedOn("c", "db")), "db started on c by the next coordinator");
        assertEquals(1, runner.maxConcurrent);
    }

    @Test
    void whatTheMembershipDeliversAfterCloseIsDroppedQuietly() throws Exception {
        final java.util.concurrent.atomic.AtomicReference<io.vrrpd.cluster.membership.Membership.Listener> listener =
                new java.util.concurrent.atomic.AtomicReference<>();
        final io.vrrpd.cluster.membership.Membership solo = new io.vrrpd.cluster.membership.Membership() {
            @Override
            public String localNode() {
                return "a";
            }

            @Override
            public void start(final Listener l) {
                listener.set(l);
            }

            @Override
            public io.vrrpd.cluster.membership.ClusterView view() {
                return null;
            }

            @Override
            public void send(final String node, final byte[] payload) {
            }

            @Override
            public void broadcast(final byte[] payload) {
            }

            @Override
            public void close() {
            }
        };
        final ServiceCluster cluster = ServiceCluster.start(new ServiceCluster.Settings("test", FENCING_MS, 2_000,
                10_000, 0), solo, runner.on("a"), new MemoryStore(), names -> { });
        cluster.close();
        // A late delivery (SoloMembership delivers on the sender's thread) must not throw into the deliverer.
        listener.get().received("a", "{\"m\":\"alive\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        listener.get().viewChanged(new io.vrrpd.cluster.membership.ClusterView(2, List.of("a"), true, 1, List.of()));
    }

    @Test
    void aCommandFromAMemberThatIsNotTheCoordinatorIsRefused() throws Exception {
        startAll();
        hosts.get("a").create(spec("web"));
        hosts.get("a").activate("web", NODES);
        final byte[] forged = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(
                new Message.Command(1, "web", "start", "", "", null));
        network.forge("c", "b", forged); // c is a member, but a coordinates
        Thread.sleep(500);
        assertTrue(runner.runs("web", Primitive.START).isEmpty(), "b started nothing on c's word");
        assertNull(startedOn("a", "web"));
    }

    @Test
    void aHostWhoseDiskRefusesTheWriteDoesNotAcknowledgeTheCommit() throws Exception {
        startAll();
        stores.get("b").failing = true;
        stores.get("c").failing = true;
        final ServiceException e = assertThrows(ServiceException.class, () -> hosts.get("a").create(spec("web")));
        assertTrue(e.getMessage().contains("not committed: 1 host(s) stored it"), e.getMessage());
        stores.get("b").failing = false;
        hosts.get("a").create(spec("db")); // b's disk is back: b stores both now (web again with the next merge)
        assertTrue(stores.get("b").files.containsKey("db"));
    }

    @Test
    void aDeletedServiceDoesNotComeBackFromAStaleFileAfterEveryHostRestarted() throws Exception {
        startAll();
        hosts.get("a").create(spec("web"));
        final StoredService stale = stores.get("a").files.get("web");
        hosts.get("a").delete("web");
        waitFor(() -> stores.values().stream().allMatch(s -> s.tombstones.containsKey("web")),
                "every host persisted the deletion");
        for (final String node : NODES) {
            hosts.remove(node).close();
        }
        stores.get("c").files.put("web", stale); // c's disk was restored from a backup, say
        startAll();
        waitFor(() -> !stores.get("c").files.containsKey("web"), "c dropped its stale file");
        Thread.sleep(300);
        for (final String node : NODES) {
            assertNull(status(node, "web"), node + " does not show the deleted service");
        }
    }

    @Test
    void aTieWithADifferentPrimaryConfigurationNeverChangesAnActiveService() throws Exception {
        startAll();
        hosts.get("a").create(spec("web"));
        hosts.get("a").activate("web", NODES);
        for (final String node : NODES) {
            hosts.remove(node).close();
        }
        final StoredService mine = stores.get("c").files.get("web");
        final ServiceSpec edited = new ServiceSpec("web", mine.spec().type(), List.of(IpPrefix.parse("192.0.2.99/24")),
                "eth0", 0, new TreeMap<>(mine.spec().properties()));
        // An edit by hand on c, revision unchanged; its text sorts after the original, so the old rule took it.
        stores.get("c").files.put("web", new StoredService(edited, mine.activeOn(), mine.wanted(), mine.preferred(),
                mine.revision()));
        startAll();
        Thread.sleep(500);
        for (final String node : List.of("a", "b")) {
            assertEquals(List.of(IpPrefix.parse("192.0.2.50/24")), stores.get(node).files.get("web").spec().addresses(),
                    node + " kept the committed addresses");
        }
    }

    @Test
    void randomPartitionsCrashesAndMovesNeverRunTwoCopies() throws Exception {
        startAll();
        createActivateStart("a", "web");
        final java.util.Random random = new java.util.Random(Long.getLong("vrrpd.chaos.seed", 20261123L));
        final List<String> crashed = new ArrayList<>();
        for (int step = 0; step < 16; step++) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    final List<String> shuffled = new ArrayList<>(NODES);
                    java.util.Collections.shuffle(shuffled, random);
                    shuffled.removeAll(crashed);
                    if (shuffled.size() >= 2) {
                        network.partition(List.of(shuffled.subList(0, 1), shuffled.subList(1, shuffled.size())));
                    }
                }
                case 1 -> network.heal();
                case 2 -> {
                    if (crashed.isEmpty()) {
                        final String victim = NODES.get(random.nextInt(3));
                        network.crash(victim);
                        runner.crashed(victim);
                        crashed.add(victim);
                    } else {
                        final String back = crashed.removeFirst();
                        hosts.remove(back).close(); // the zombie: its stops go nowhere the others can hear
                        runner.crashed(back);
                        startHost(back);
                    }
                }
                // Admin verbs only through live hosts: a crashed daemon answers nobody.
                case 3 -> quietly(() -> hosts.get(live(crashed, random)).stop("web"));
                default -> quietly(() -> hosts.get(live(crashed, random)).start("web", NODES.get(random.nextInt(3))));
            }
            Thread.sleep(100 + random.nextInt(400));
            assertTrue(runner.maxConcurrent <= 1, "two copies after step " + step + ": " + runner.runs);
        }
        network.heal();
        for (final String back : crashed) {
            hosts.remove(back).close();
            runner.crashed(back);
            startHost(back);
        }
        waitFor(() -> runner.running.getOrDefault("web", java.util.Set.of()).size() == 1
                && hosts.values().stream().allMatch(h -> h.cluster().view().members().size() == 3),
                "one copy once everything healed");
        assertEquals(1, runner.maxConcurrent);
    }

    private static String live(final List<String> crashed, final java.util.Random random) {
        final List<String> live = NODES.stream().filter(n -> !crashed.contains(n)).toList();
        return live.get(random.nextInt(live.size()));
    }

    private interface Verb {
        void run() throws ServiceException;
    }

    private static void quietly(final Verb verb) {
        try {
            verb.run();
        } catch (ServiceException e) {
            // refused (no quorum, not started, node not in view): part of the chaos
        }
    }
}
