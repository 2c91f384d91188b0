package io.vrrpd.daemon.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's bounds. The JDK reads its time and connection limits once per JVM (static finals), and another test
 * in this JVM may have created a JDK server already: those checks run the server in a child JVM of their own, started
 * exactly as the daemon starts it ({@link Child}).
 */
class WebServerLimitsTest {

    /**
     * A child JVM: a WebServer with {@code requestSeconds maxConnections}, until stdin ends. On stdout one line: its
     * port, then the JDK server's time limits as it runs with them ({@code maxReqTime=S clockTick=MS}).
     */
    public static final class Child {
        public static void main(final String[] args) throws IOException {
            final WebServer.Limits limits = new WebServer.Limits(4, 16, 1024, Integer.parseInt(args[1]),
                    Integer.parseInt(args[0]), 5, 30);
            try (WebServer server = WebServer.builder(new InetSocketAddress("127.0.0.1", 0)).limits(limits)
                    .mount("/ok", exchange -> HttpIo.send(exchange, 200, "text/plain", "ok".getBytes(
                            StandardCharsets.US_ASCII))).start()) {
                System.out.println(server.address().getPort() + " maxReqTime="
                        + System.getProperty("sun.net.httpserver.maxReqTime") + " clockTick="
                        + System.getProperty("sun.net.httpserver.clockTick"));
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the test closes our stdin
                }
            }
        }
    }

    private static Process child(final int requestSeconds, final int maxConnections) throws IOException {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                Integer.toString(requestSeconds), Integer.toString(maxConnections))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The child's line: its port, then its JDK server's time limits. */
    private record Started(int port, String limits) {
    }

    private static Started started(final Process child) throws IOException {
        final String[] line = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.US_ASCII)).readLine().strip().split(" ", 2);
        return new Started(Integer.parseInt(line[0]), line[1]);
    }

    private static int port(final Process child) throws IOException {
        return started(child).port();
    }

    /** Whether the server closed {@code socket}: reads with a short timeout; -1 or a reset is closed. */
    private static boolean closed(final Socket socket) throws IOException {
        socket.setSoTimeout(200);
        try {
            final InputStream in = socket.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** {@link #closed}, asked until it says so or 10 s passed (the event, with a generous deadline). */
    private static boolean awaitClosed(final Socket socket) throws IOException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!closed(socket)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
        }
        return true;
    }

    /** {@link #get}'s status, or -1 if the server closed the connection without an answer. */
    private static int getOrClosed(final int port) throws IOException {
        try {
            return get(port);
        } catch (IOException e) { // reset
            return -1;
        }
    }

    /** {@link #getOrClosed} until it is 200 or 10 s passed; the last status. */
    private static int awaitOk(final int port) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status = getOrClosed(port);
        while (status != 200 && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
            status = getOrClosed(port);
        }
        return status;
    }

    /** The status of a GET /ok, -1 if the server closed the connection without an answer. */
    private static int get(final int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            final String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return status == null ? -1 : Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    @DisplayName("a client dribbling its headers a byte every 200 ms is cut off ~requestSeconds after its first byte,"
            + " a silent one too; the server answers others meanwhile and after")
    void shouldCutOffSlowClients() throws Exception {
        // 4 s, not 2: the JDK times a request from its 1 s clock tick, so a request may get as little as the limit
        // less a second; a starved child JVM (load 18) took over a second to read an ordinary GET and cut it too.
        final int requestSeconds = 4;
        final Process child = child(requestSeconds, 64);
        try {
            final Started started = started(child);
            // The limit the server runs with, exactly (without it the JDK never cuts a request off).
            assertEquals("maxReqTime=" + requestSeconds + " clockTick=1000", started.limits());
            final int port = started.port();
            try (Socket dribbler = new Socket("127.0.0.1", port); Socket silent = new Socket("127.0.0.1", port)) {
                final OutputStream out = dribbler.getOutputStream();
                out.write("GET /ok HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                final long start = System.nanoTime();
                long cutAfterMillis = -1;
                // When the cut comes is up to the JDK's timer thread in the child JVM: the limit to the limit + 1 s
                // on a quiet machine, 4.3 s late (a 2 s limit) with the child sharing one core with 7 busy loops.
                // Load only delays it, so the test waits for the cut (a byte every 200 ms, at most 30 s) and checks
                // it did not come early; the limit itself is checked above as the child's JDK reads it.
                final long deadline = start + TimeUnit.SECONDS.toNanos(30);
                boolean answeredMeanwhile = false;
                for (int i = 0; cutAfterMillis < 0 && System.nanoTime() - deadline < 0; i++) {
                    try {
                        out.write('a');
                        out.flush();
                    } catch (IOException e) {
                        cutAfterMillis = (System.nanoTime() - start) / 1_000_000;
                        break;
                    }
                    if (closed(dribbler)) {
                        cutAfterMillis = (System.nanoTime() - start) / 1_000_000;
                    }
                    if (i >= 3 && cutAfterMillis < 0 && !answeredMeanwhile) { // asked again if load cut it off
                        answeredMeanwhile = getOrClosed(port) == 200;
                    }
                }
                assertTrue(answeredMeanwhile, "answered while the slow client holds a thread");
                assertTrue(cutAfterMillis >= 0, "the dribbling client was not cut off within 30 s");
                assertTrue(cutAfterMillis >= requestSeconds * 1_000L - 500, "the dribbling client was cut off after "
                        + cutAfterMillis + " ms, before its " + requestSeconds + " s");
                assertTrue(awaitClosed(silent), "the silent client was cut off too");
            }
            assertEquals(200, awaitOk(port), "answered after");
        } finally {
            child.getOutputStream().close();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @DisplayName("at most maxConnections connections: the next is closed at accept; a slot frees when one closes")
    void shouldCapConnections() throws Exception {
        final Process child = child(30, 3);
        try {
            final int port = port(child);
            final List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    open.add(new Socket("127.0.0.1", port));
                }
                try (Socket fourth = new Socket("127.0.0.1", port)) {
                    assertTrue(awaitClosed(fourth), "the 4th connection was closed at accept");
                }
                open.removeFirst().close();
                // The server frees the slot when its own thread sees the close: wait for it rather than a fixed
                // 300 ms (a loaded machine delays the child's threads); a connection it still refuses is closed.
                assertEquals(200, awaitOk(port), "a slot freed after one of the 3 closed");
            } finally {
                for (final Socket socket : open) {
                    socket.close();
                }
            }
        } finally {
            child.getOutputStream().close();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @DisplayName("every worker busy and the queue full: the next requests are answered 503 (problem, Retry-After),"
            + " counted; the busy ones finish normally")
    void shouldShedLoadWith503() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        try (WebServer server = WebServer.builder(new InetSocketAddress("127.0.0.1", 0))
                .limits(new WebServer.Limits(1, 1, 1024, 64, 10, 30, 30))
                .mount("/block", exchange -> {
                    entered.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    HttpIo.send(exchange, 200, "text/plain", "done".getBytes(StandardCharsets.US_ASCII));
                }).start()) {
            final HttpClient client = HttpClient.newHttpClient();
            final URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/block");
            final List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            responses.add(client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
            assertTrue(entered.await(20, TimeUnit.SECONDS));
            for (int i = 0; i < 4; i++) {
                responses.add(client.sendAsync(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            // one in the worker, one queued; the other three are answered at once
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.stats().overloaded() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(3, server.stats().overloaded());
            release.countDown();
            int ok = 0;
            int busy = 0;
            for (final CompletableFuture<HttpResponse<String>> future : responses) {
                final HttpResponse<String> response = future.get(10, TimeUnit.SECONDS);
                if (response.statusCode() == 503) {
                    busy++;
                    assertEquals("1", response.headers().firstValue("Retry-After").orElse(""));
                    assertEquals(503, new ObjectMapper().readTree(response.body()).get("status").intValue());
                } else {
                    assertEquals(200, response.statusCode());
                    ok++;
                }
            }
            assertEquals(2, ok);
            assertEquals(3, busy);
        }
    }
}
