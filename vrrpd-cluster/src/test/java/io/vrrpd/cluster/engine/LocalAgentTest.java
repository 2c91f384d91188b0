package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.Primitive;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceState;
import io.vrrpd.cluster.StoredService;
import io.vrrpd.cluster.membership.ClusterView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** One host's agent on its own: what it refuses and how it orders a start against a self-fence. */
class LocalAgentTest {
    private final ScriptedRunner runner = new ScriptedRunner();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final LocalAgent agent = new LocalAgent("a", runner.on("a"), () -> { }, timer, System::currentTimeMillis,
            names -> { });

    @AfterEach
    void close() {
        agent.close();
        timer.shutdownNow();
    }

    private static ClusterView view(final boolean quorate) {
        return new ClusterView(1, quorate ? List.of("a", "b") : List.of("a"), quorate, 2,
                List.of(new ClusterView.Member("a", "-", true)));
    }

    private void activated() throws InterruptedException {
        agent.tableChanged(Map.of("web", new StoredService(new ServiceSpec("web", "/bin/t", List.of(), null, 0,
                new TreeMap<>()), new TreeSet<>(List.of("a")), true, null, 1)));
        waitFor(() -> agent.status("web").activated());
    }

    private static void waitFor(final java.util.function.BooleanSupplier c) throws InterruptedException {
        final long end = System.nanoTime() + 5_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within 5 s");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aStartCommandArrivingAfterQuorumWasLostIsNotCarriedOut() throws InterruptedException {
        agent.viewChanged(view(true));
        activated();
        agent.viewChanged(view(false));
        agent.command(new Message.Command(1, "web", "start", "", "", null), done -> { });
        Thread.sleep(100);
        assertEquals(ServiceState.STOPPED, agent.status("web").state());
        assertTrue(runner.runs("web", Primitive.START).isEmpty());
    }

    @Test
    void aStartCommandArrivingAfterShutdownBeganIsNotCarriedOut() throws InterruptedException {
        agent.viewChanged(view(true));
        activated();
        agent.shuttingDown(); // SIGTERM: the coordinator may not have heard this host's "leaving" report yet
        agent.command(new Message.Command(1, "web", "start", "", "", null), done -> { });
        Thread.sleep(100);
        assertEquals(ServiceState.STOPPED, agent.status("web").state());
        assertTrue(runner.runs("web", Primitive.START).isEmpty(), "started nothing only to stop it again");
    }

    @Test
    void quorumLostWhileStartingKillsTheStartAndStopsAtOnce() throws InterruptedException {
        agent.viewChanged(view(true));
        activated();
        runner.slow.put("a/start", 20_000L);
        agent.command(new Message.Command(1, "web", "start", "", "", null), done -> { });
        waitFor(() -> !runner.runs("web", Primitive.START).isEmpty());
        final long lost = System.nanoTime();
        agent.viewChanged(view(false)); // during the start: the self-fence kills it instead of queueing behind it
        waitFor(() -> agent.status("web").state() == ServiceState.STOPPED);
        assertTrue((System.nanoTime() - lost) / 1_000_000 < 2_000, "stopped without waiting for the 20 s start");
        assertEquals(1, runner.runs("web", Primitive.STOP).size(), "one stop: " + runner.events);
        assertTrue(runner.when("a/web/kill") > 0 && runner.when("a/web/kill") < runner.when("a/web/stop-begin"),
                "the start was killed before the stop: " + runner.events);
        assertTrue(runner.running.getOrDefault("web", java.util.Set.of()).isEmpty());
        Thread.sleep(200);
        assertEquals(ServiceState.STOPPED, agent.status("web").state(), "the killed start does not mark it failed");
    }
}
