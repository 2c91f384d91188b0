package io.vrrpd.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM with many Masters: every router's priority-0 advertisement goes out before any VNIC is taken down
 * (each down waits ~25 ms for the kernel), so the last router hands over as fast as the first.
 */
class ShutdownIT extends LabScenario {
    static final int ROUTERS = 8;

    @Override
    int hostCount() {
        return 1;
    }

    @Test
    void sigtermWithManyMasters_sendsEveryPriorityZeroFirst() {
        final long started = System.nanoTime();
        lab.startDaemons("h1");
        // Issue 12: the control socket is bound before the routers' loop starts (its warm-up is logged after), and the
        // request Daemon.start sent as soon as it could was answered by the started daemon (StartingHandler).
        final Daemon.Line socket = d("h1").awaitLog(Pattern.compile("control socket listening"), started,
                Duration.ofSeconds(5));
        final Daemon.Line warmUp = d("h1").awaitLog(Pattern.compile("warm-up: "), started, Duration.ofSeconds(10));
        assertTrue(socket.nanos() <= warmUp.nanos() && d("h1").lines().indexOf(socket) < d("h1").lines().indexOf(warmUp),
                "the socket before the loop: " + d("h1").log());
        for (int vrid = 51; vrid < 51 + ROUTERS; vrid++) {
            createRouter("h1", "r" + vrid, "-V", "" + vrid, "-l", "eth0", "-A", "inet", "-i", "100",
                    "-a", "198.51.100." + vrid + "/24");
        }
        for (int vrid = 51; vrid < 51 + ROUTERS; vrid++) {
            d("h1").awaitState("r" + vrid, "MASTER", Duration.ofSeconds(5));
        }
        final Capture capture = lab.capture(Lab.CLIENT);
        assertEquals(0, d("h1").stop());
        capture.await("the last priority 0", p -> p.priority() == 0 && p.vrid() == 50 + ROUTERS, Duration.ofSeconds(3));
        final List<Capture.Vrrp> zeros = capture.stop().vrrp().stream().filter(p -> p.priority() == 0).toList();
        assertEquals(ROUTERS, zeros.size(), "one priority-0 advertisement per router: " + zeros);
        final double spreadMs = (zeros.getLast().epochSeconds() - zeros.getFirst().epochSeconds()) * 1000;
        System.out.println("[measure] " + ROUTERS + " priority-0 advertisements within " + Math.round(spreadMs * 10) / 10.0
                + " ms");
        assertTrue(spreadMs < 50, "all priority-0 advertisements within 50 ms (one VNIC down alone takes ~25 ms): "
                + spreadMs + " ms");
    }
}
