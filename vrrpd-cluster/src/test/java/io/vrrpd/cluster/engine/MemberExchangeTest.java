package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.membership.ClusterView;
import io.vrrpd.cluster.membership.SoloMembership;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Questions between members (routers, cgi panels) on three in-memory hosts: a member answers, a silent one costs
 * the asker its timeout and no more, one that leaves the view fails the question at once, answers are bounded in
 * size, a question the member cannot answer gets an error, and a slow answer never stalls the engine's actor.
 */
@Timeout(60)
class MemberExchangeTest {
    private static final List<String> NODES = List.of("a", "b", "c");

    private final InMemoryNetwork network = new InMemoryNetwork(NODES);
    private final ScriptedRunner runner = new ScriptedRunner();
    private final Map<String, ServiceCluster> hosts = new TreeMap<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private void startAll() throws Exception {
        for (final String node : NODES) {
            final ServiceCluster host = ServiceCluster.start(new ServiceCluster.Settings("test", 300, 2_000, 10_000,
                    0), network.membership(node), runner.on(node), new ServiceClusterTest.MemoryStore(), names -> { });
            host.exchange().answer("echo", body -> node + ":" + body);
            host.exchange().answer("slow", body -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "late";
            });
            host.exchange().answer("refuse", body -> {
                throw new ServiceException(ServiceException.Kind.NOT_FOUND, "service 'x' does not exist");
            });
            host.exchange().answer("boom", body -> {
                throw new IllegalStateException("bug");
            });
            host.exchange().answer("big", body -> "x".repeat(MemberExchange.MAX_ANSWER_CHARS + 1));
            hosts.put(node, host);
        }
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!hosts.values().stream().allMatch(h -> h.cluster().view() != null
                && h.cluster().view().members().size() == 3)) {
            if (System.nanoTime() > deadline) {
                fail("three hosts in one view not within 10 s");
            }
            Thread.sleep(10);
        }
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        hosts.values().forEach(ServiceCluster::close);
    }

    private MemberExchange on(final String node) {
        return hosts.get(node).exchange();
    }

    @Test
    void aMemberAnswersAndSoDoesTheAskerItself() throws Exception {
        startAll();
        assertEquals("b:hello", on("a").ask("b", "echo", "hello", 5_000));
        assertEquals("a:hello", on("a").ask("a", "echo", "hello", 5_000), "a question to itself needs no network");
        assertTrue(network.sentSoFar().stream().anyMatch(m -> m.startsWith("a>b ") && m.contains("\"m\":\"ask\"")),
                "asked over the cluster channel");
        assertTrue(network.sentSoFar().stream().noneMatch(m -> m.startsWith("a>a ") && m.contains("\"m\":\"ask\"")));
    }

    @Test
    void aSoloHostAnswersItself() throws Exception {
        try (ServiceCluster solo = ServiceCluster.start(ServiceCluster.Settings.defaults("-"),
                new SoloMembership("solo"), runner.on("solo"), new ServiceClusterTest.MemoryStore(), names -> { })) {
            solo.exchange().answer("echo", body -> "solo:" + body);
            assertEquals("solo:hi", solo.exchange().ask("solo", "echo", "hi", 5_000));
            assertEquals("node 'other' is not a member of this host's view (members: solo)",
                    assertThrows(ServiceException.class, () -> solo.exchange().ask("other", "echo", "", 1_000))
                            .getMessage());
        }
    }

    @Test
    void aSlowMemberCostsTheAskerItsTimeoutAndNeverStallsTheEngine() throws Exception {
        startAll();
        final long asked = System.nanoTime();
        final ServiceException e = assertThrows(ServiceException.class, () -> on("a").ask("b", "slow", "", 300));
        final long took = (System.nanoTime() - asked) / 1_000_000;
        assertEquals("node b did not answer (slow) within 300 ms", e.getMessage());
        assertEquals(ServiceException.Kind.UNAVAILABLE, e.kind());
        assertTrue(took < 3_000, "gave up after " + took + " ms");
        // b's handler still runs: its engine answers the admin verbs and the other questions meanwhile.
        final long t0 = System.nanoTime();
        assertEquals(3, hosts.get("b").cluster().view().members().size());
        assertEquals("b:x", on("a").ask("b", "echo", "x", 5_000));
        assertEquals("b:y", on("b").ask("b", "echo", "y", 5_000));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 3_000, "b's actor and delivery are not held up");
        release.countDown();
    }

    @Test
    void aMemberThatLeavesTheViewFailsTheQuestionAtOnce() throws Exception {
        startAll();
        final CompletableFuture<String> failure = new CompletableFuture<>();
        final Thread asker = Thread.ofVirtual().start(() -> {
            try {
                failure.complete("answered: " + on("a").ask("b", "slow", "", 20_000));
            } catch (ServiceException e) {
                failure.complete(e.getMessage());
            }
        });
        Thread.sleep(200); // the question is on its way or being answered
        final long crashed = System.nanoTime();
        network.crash("b");
        assertEquals("node b left the view before it answered (slow)", failure.get(10, TimeUnit.SECONDS));
        assertTrue((System.nanoTime() - crashed) / 1_000_000 < 5_000, "not after the 20 s timeout");
        asker.join(5_000);
        final ServiceException down = assertThrows(ServiceException.class, () -> on("a").ask("b", "echo", "", 1_000));
        assertEquals("node 'b' is not a member of this host's view (members: a, c)", down.getMessage());
        assertEquals(ServiceException.Kind.UNAVAILABLE, down.kind(), "a configured member that is down: not now");
        final ServiceException unknown = assertThrows(ServiceException.class, () -> on("a").ask("z", "echo", "",
                1_000));
        assertEquals(ServiceException.Kind.NOT_FOUND, unknown.kind(), "no such member");
    }

    @Test
    void anAnswerOverTheLimitIsRefusedOnBothEnds() throws Exception {
        startAll();
        final int over = MemberExchange.MAX_ANSWER_CHARS + 1;
        assertEquals("the answer of b (big) is " + over + " characters, over the limit of "
                        + MemberExchange.MAX_ANSWER_CHARS,
                assertThrows(ServiceException.class, () -> on("a").ask("b", "big", "", 10_000)).getMessage());

        // A member that sends one anyway (not this code): the asker refuses it too.
        final List<Message> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        final ClusterView view = hosts.get("a").cluster().view();
        final MemberExchange asker = new MemberExchange("a", () -> view, (to, m) -> sent.add(m));
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                outcome.complete(asker.ask("b", "routers", "{}", 10_000));
            } catch (ServiceException e) {
                outcome.complete(e.getMessage());
            }
        });
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (sent.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        final Message.Ask ask = (Message.Ask) sent.getFirst();
        asker.received("c", new Message.Answer(ask.id(), true, "", "not from the member asked", null));
        asker.received("b", new Message.Answer(ask.id(), true, "", "y".repeat(over), null));
        assertEquals("the answer of b (routers) is " + over + " characters, over the limit of "
                + MemberExchange.MAX_ANSWER_CHARS, outcome.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aMemberAnswersABoundedNumberOfQuestionsAtOnceAndSaysItIsBusyBeyond() throws Exception {
        startAll();
        final List<Thread> askers = new ArrayList<>();
        for (int i = 0; i < MemberExchange.MAX_CONCURRENT; i++) {
            askers.add(Thread.ofVirtual().start(() -> {
                try {
                    on("a").ask("b", "slow", "", 20_000);
                } catch (ServiceException e) {
                    // released at the end
                }
            }));
        }
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (network.sentSoFar().stream().filter(m -> m.startsWith("a>b ") && m.contains("\"topic\":\"slow\"")).count()
                < MemberExchange.MAX_CONCURRENT && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // Sent after the 16 (FIFO from one sender): b has taken them all when this one arrives.
        assertEquals("b is busy: 16 questions already being answered; try again",
                assertThrows(ServiceException.class, () -> on("a").ask("b", "echo", "", 5_000)).getMessage());
        release.countDown();
        for (final Thread asker : askers) {
            asker.join(10_000);
        }
        assertEquals("b:free again", on("a").ask("b", "echo", "free again", 5_000), "the permits came back");
    }

    @Test
    void aQuestionTheMemberCannotAnswerGetsAnErrorNotSilence() throws Exception {
        startAll();
        final ServiceException unknown = assertThrows(ServiceException.class, () -> on("a").ask("b", "nope", "",
                5_000));
        assertEquals("b does not answer 'nope' (it answers: big, boom, echo, refuse, slow)", unknown.getMessage());
        assertEquals(ServiceException.Kind.INVALID, unknown.kind());
        final ServiceException refused = assertThrows(ServiceException.class, () -> on("a").ask("b", "refuse", "",
                5_000));
        assertEquals("service 'x' does not exist", refused.getMessage());
        assertEquals(ServiceException.Kind.NOT_FOUND, refused.kind(), "the refusal's kind travels with it");
        assertEquals("internal error on b answering boom: java.lang.IllegalStateException: bug",
                assertThrows(ServiceException.class, () -> on("a").ask("b", "boom", "", 5_000)).getMessage());
        // Bytes that are no question at all are dropped by the codec; b goes on answering.
        network.forge("a", "b", "{\"m\":\"ask\",\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        network.forge("a", "b", "{\"m\":\"answer\",\"id\":\"x\",\"ok\":true,\"error\":\"\",\"body\":\"\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("b:still here", on("a").ask("b", "echo", "still here", 5_000));
    }
}
