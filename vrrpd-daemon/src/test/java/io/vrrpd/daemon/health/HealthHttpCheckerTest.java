package io.vrrpd.daemon.health;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The http checker against the JDK's HTTP server on 127.0.0.1. */
class HealthHttpCheckerTest {
    private HttpServer server;
    private HttpClient client;
    private final AtomicInteger followed = new AtomicInteger();

    @BeforeEach
    void setUp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ok", exchange -> respond(exchange, 200));
        server.createContext("/down", exchange -> respond(exchange, 503));
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "/target");
            respond(exchange, 302);
        });
        server.createContext("/target", exchange -> {
            followed.incrementAndGet();
            respond(exchange, 200);
        });
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200);
        });
        server.start();
        client = HttpChecker.newClient();
    }

    @AfterEach
    void tearDown() {
        client.shutdownNow();
        server.stop(0);
    }

    private static void respond(final com.sun.net.httpserver.HttpExchange exchange, final int status)
            throws IOException {
        final byte[] body = ("status " + status + "\n").getBytes();
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private CheckResult get(final String path, final long timeoutMillis) throws InterruptedException {
        return new HttpChecker(client, URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .check(timeoutMillis);
    }

    @Test
    void shouldBeHealthyOn2xx() throws Exception {
        assertEquals(CheckResult.healthy("status 200"), get("/ok", 1000));
    }

    @Test
    void shouldFailOnAnotherStatus() throws Exception {
        assertEquals(CheckResult.failing("status 503"), get("/down", 1000));
        assertEquals(CheckResult.failing("status 404"), get("/nothing-here", 1000));
    }

    @Test
    void shouldNotFollowRedirects() throws Exception {
        assertEquals(CheckResult.failing("status 302"), get("/moved", 1000));
        assertEquals(0, followed.get());
    }

    @Test
    void shouldTimeOutOnASlowServer() throws Exception {
        final long start = System.nanoTime();
        assertEquals(CheckResult.failing("timed out after 200 ms"), get("/slow", 200));
        final long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < 1500, "took " + tookMillis + " ms");
    }

    @Test
    void shouldReportARefusedConnection() throws Exception {
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertEquals(CheckResult.failing("connection refused"),
                new HttpChecker(client, URI.create("http://127.0.0.1:" + port + "/")).check(1000));
    }

    @Test
    void shouldNotResolveNames() throws Exception {
        final CheckResult result = new HttpChecker(client,
                URI.create("http://localhost:" + server.getAddress().getPort() + "/ok")).check(1000);
        assertEquals(CheckResult.failing("'localhost' is a name: health checks do not resolve names (use an IP"
                + " address, e.g. http://127.0.0.1/)"), result);
    }

    @Test
    void shouldFailHttpsAgainstAPlainServer() throws Exception {
        final CheckResult result = new HttpChecker(client,
                URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/ok")).check(1000);
        assertFalse(result.ok());
        assertFalse(result.reason().contains("\n"));
    }
}
