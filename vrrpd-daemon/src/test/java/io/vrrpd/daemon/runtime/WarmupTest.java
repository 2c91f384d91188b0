package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.RouterState;
import io.vrrpd.protocol.fsm.RouterStateMachine;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.TimerKind;
import io.vrrpd.protocol.fsm.Transition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario: a daemon warmed up at start becomes Master for the first time, for each reason a Backup takes over.
 * Expected (in the JVM): no class is loaded or spun between the Master_Down_Timer firing and the transition's
 * actions — the path to the first advertisement. Seen failing when the reason's duration went through
 * String.format (the Formatter and locale data: a daemon's first takeover at 10 ms adverts came 4-6 ms late in
 * bench/failover.sh) and when the warm-up ran only the "no Master heard" text (each reason text's string
 * concatenation is linked on its first run).
 */
class WarmupTest {
    static final String BEFORE = "=== takeover begins";
    static final String AFTER = "=== takeover ends";

    /** What the child JVM runs: the warm-up, then real-looking takeovers between two marks. */
    public static final class FirstTakeover {
        public static void main(final String[] args) throws Exception {
            Warmup.run();
            Thread.sleep(500); // the log line's writer, off this thread, settles before the mark
            final RouterConfig config = RouterConfig.builder("web", 51, AddressFamily.IPV4)
                    .primaryAddress("192.0.2.2").virtualAddresses(new String[] {"192.0.2.51/24"}).build();
            final IpAddress master = IpAddress.parse("192.0.2.1");
            final long interval = config.advertisementIntervalNanos();
            final List<String> reasons = new java.util.ArrayList<>(3);
            final int[][] heard = {{200}, {200, 0}, {50}};
            System.out.println(BEFORE);
            System.out.flush();
            long now = 1_000_000_000_000L;
            for (final int[] priorities : heard) {
                RouterState state = RouterStateMachine.step(config, RouterState.initial(config),
                        new Event.Startup("test"), now).state();
                for (final int priority : priorities) {
                    now += 9_876_543L;
                    state = RouterStateMachine.step(config, state,
                            new Event.AdvertisementReceived(master, priority, interval), now).state();
                }
                now = Math.max(now, state.masterDownTimer()) + 81_234L;
                final Transition takeover = RouterStateMachine.step(config, state,
                        new Event.TimerFired(TimerKind.MASTER_DOWN_TIMER), now);
                if (takeover.state().state() != State.MASTER) {
                    throw new IllegalStateException("not Master: " + takeover.state().state());
                }
                reasons.add(takeover.state().lastReason());
            }
            System.out.flush();
            System.out.println(AFTER);
            for (final String reason : reasons) {
                System.out.println("reason: " + reason);
            }
        }
    }

    static final String ON_THE_WIRE = "=== first advertisement flushed";

    /**
     * What the child JVM runs for the driver: a router (fake link and addresses) that starts as Backup, then its
     * Master_Down_Timer fires; the mark is printed when its first advertisement is flushed to the "wire".
     */
    public static final class FirstAdvertisement {
        public static void main(final String[] args) throws Exception {
            Warmup.run();
            Thread.sleep(500);
            final RouterConfig config = RouterConfig.builder("web", 51, AddressFamily.IPV4)
                    .primaryAddress("192.0.2.2").virtualAddresses(new String[] {"192.0.2.51/24"}).build();
            final VrrpLoop loop = new VrrpLoop(); // not started: this thread plays the loop thread
            final int[] queued = new int[1];
            final VrrpLoop.Flushable wire = () -> {
                if (queued[0] > 0) {
                    queued[0] = 0;
                    System.out.println(ON_THE_WIRE);
                }
            };
            final RouterInstance router = new RouterInstance(config, loop, (message, length, source, destination,
                                                                            outcome) -> {
                if (queued[0]++ == 0) {
                    loop.flushLater(wire);
                }
            }, new NoAddresses(), List.of(), (r, from, to, reason) -> { });
            router.handle(new Event.Startup("test"));
            wire.flush(); // its classes: loaded here, not in the measured part
            System.out.println(BEFORE);
            System.out.flush();
            router.onTimer(router.state().masterDownTimer() + 81_234L);
            System.out.println(AFTER + " " + router.state().state());
        }
    }

    @Test
    void aFirstTakeoversAdvertisementLeavesBeforeAnyClassIsSpun() throws IOException, InterruptedException {
        final List<String> lines = child(FirstAdvertisement.class);
        final int begin = lines.indexOf(BEFORE);
        final int wire = lines.indexOf(ON_THE_WIRE);
        assertTrue(begin >= 0 && wire > begin, String.join("\n", lines));
        assertEquals(List.of(), lines.subList(begin + 1, wire), "classes loaded before the advertisement left");
        assertTrue(lines.contains(AFTER + " MASTER"), String.join("\n", lines));
    }

    private static List<String> child(final Class<?> main) throws IOException, InterruptedException {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process child = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseZGC", "-Xlog:disable", "-Xlog:class+load=info:stdout:none",
                "-cp", System.getProperty("java.class.path"), main.getName())
                .redirectErrorStream(true).start();
        final String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM ended");
        assertEquals(0, child.exitValue(), output);
        return output.lines().toList();
    }

    @Test
    void aFirstTakeoverAfterTheWarmUpLoadsNoClassOnTheWayToItsFirstAdvertisement() throws IOException,
            InterruptedException {
        final List<String> lines = child(FirstTakeover.class);
        final String output = String.join("\n", lines);
        final int begin = lines.indexOf(BEFORE);
        final int end = lines.indexOf(AFTER);
        assertTrue(begin >= 0 && end > begin, output);
        assertEquals(List.of(), lines.subList(begin + 1, end), "classes loaded during the takeovers");
        final List<String> reasons = lines.subList(end + 1, lines.size()).stream()
                .filter(line -> line.startsWith("reason: ")).toList();
        assertEquals(3, reasons.size(), output);
        assertTrue(reasons.get(0).contains("no advertisement from 192.0.2.1 (priority 200) for "), reasons.get(0));
        assertTrue(reasons.get(1).contains("released the router (priority 0)"), reasons.get(1));
        assertTrue(reasons.get(2).contains("preempting 192.0.2.1"), reasons.get(2));
    }
}
