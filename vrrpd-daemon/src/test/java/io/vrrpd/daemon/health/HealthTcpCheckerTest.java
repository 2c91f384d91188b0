package io.vrrpd.daemon.health;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tcp checker against sockets on 127.0.0.1 and ::1. */
class HealthTcpCheckerTest {

    @Test
    void shouldConnectToAListeningPort() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(CheckResult.healthy("connected"),
                    new TcpChecker("127.0.0.1:" + server.getLocalPort()).check(500));
        }
    }

    @Test
    void shouldConnectOverIpv6() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.ofLiteral("::1"))) {
            assertTrue(new TcpChecker("[::1]:" + server.getLocalPort()).check(500).ok());
        }
    }

    @Test
    void shouldReportARefusedConnection() throws Exception {
        final int port;
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
        }
        assertEquals(CheckResult.failing("connection refused"), new TcpChecker("127.0.0.1:" + port).check(500));
    }

    @Test
    void shouldTimeOutWhenTheListenerDoesNotAnswer() throws Exception {
        // A listener that never accepts: once its accept queue is full, Linux drops further SYNs and a connect
        // hangs until its timeout.
        final List<Socket> filling = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    server.getLocalPort());
            for (int i = 0; i < 20; i++) {
                final Socket socket = new Socket();
                filling.add(socket);
                try {
                    socket.connect(address, 200);
                } catch (SocketTimeoutException e) {
                    break; // the queue is full
                }
            }
            final long start = System.nanoTime();
            final CheckResult result = new TcpChecker("127.0.0.1:" + server.getLocalPort()).check(300);
            final long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(CheckResult.failing("timed out after 300 ms"), result);
            assertTrue(tookMillis >= 250 && tookMillis < 2000, "took " + tookMillis + " ms");
        } finally {
            for (final Socket socket : filling) {
                socket.close();
            }
        }
    }
}
