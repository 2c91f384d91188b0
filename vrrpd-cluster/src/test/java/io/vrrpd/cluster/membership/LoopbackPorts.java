package io.vrrpd.cluster.membership;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Cluster ports for tests: p with p and p + 100 (failure detection) free. Drawn from 20000-32000, below Linux's
 * ephemeral range (32768-60999): a port the kernel handed out with {@code bind(0)} had its p + 100 taken by some
 * connection's ephemeral port at the moment the cluster bound it (CI, PreAuthenticationTest).
 */
final class LoopbackPorts {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;

    private LoopbackPorts() {
    }

    /** {@code count} such ports, none within 1 or 100 of another. */
    static int[] free(final int count) throws IOException {
        final int[] ports = new int[count];
        int found = 0;
        for (int attempt = 0; attempt < 1_000 && found < count; attempt++) {
            final int p = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (free(LOOPBACK, p) && free(LOOPBACK, p + ClusterSettings.FAILURE_DETECTION_PORT_OFFSET)
                    && Arrays.stream(ports, 0, found).noneMatch(q -> Math.abs(q - p) <= 1
                    || Math.abs(q - p) == ClusterSettings.FAILURE_DETECTION_PORT_OFFSET)) {
                ports[found++] = p;
            }
        }
        if (found < count) {
            throw new IOException("no free loopback ports");
        }
        return ports;
    }

    /** A port p with p and p + 100 (failure detection) free on every one of {@code hosts}. */
    static int freeOn(final List<InetAddress> hosts) throws IOException {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            final int p = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (hosts.stream().allMatch(h -> free(h, p) && free(h, p + ClusterSettings.FAILURE_DETECTION_PORT_OFFSET))) {
                return p;
            }
        }
        throw new IOException("no port free on " + hosts);
    }

    static boolean free(final InetAddress host, final int port) {
        try (ServerSocket s = new ServerSocket(port, 1, host)) {
            return s.getLocalPort() == port;
        } catch (IOException e) {
            return false;
        }
    }
}
