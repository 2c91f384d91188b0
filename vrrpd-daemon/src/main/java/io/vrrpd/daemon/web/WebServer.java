package io.vrrpd.daemon.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The daemon's web server (DESIGN.md §2: dashboard, metrics, REST API on one port), on the JDK's
 * {@code com.sun.net.httpserver}: no extra library, a few MiB of heap.
 *
 * <p>Bounded everywhere, and off the real-time path: its own threads (normal scheduling, started from the main
 * thread, never the router loop's), which reach the routers only through the control verbs.
 * <ul>
 *   <li>{@link Limits#workers} worker threads and a queue of {@link Limits#queue} exchanges; an exchange beyond
 *       both is answered 503 (problem, {@code Retry-After: 1}) by one of two spare threads and counted
 *       ({@link Stats#overloaded}); beyond those too, its connection is closed (counted as {@link Stats#dropped}).</li>
 *   <li>The JDK's own limits, set from {@link Limits} before the first server is created (they are read once per JVM,
 *       and a {@code -D} given on the command line wins): at most {@link Limits#maxConnections} connections; a
 *       request must arrive whole within {@link Limits#requestSeconds} of its first byte (a client that dribbles
 *       its headers is cut off: the thread reading them is freed), a response be taken within
 *       {@link Limits#responseSeconds}; idle connections close after {@link Limits#idleSeconds}; at most 100 headers
 *       of 32 KiB together.</li>
 *   <li>Request bodies of at most {@link Limits#maxBodyBytes} (413, read by {@link HttpIo#body}).</li>
 * </ul>
 * Every answer carries the security headers ({@link #securityHeaders}); a handler that fails answers a 500 problem
 * (logged with its stack trace, never sent).
 */
public final class WebServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WebServer.class.getName());
    /** Set on the spare threads: an exchange they run is one the workers had no room for. */
    private static final ThreadLocal<Boolean> SHEDDING = ThreadLocal.withInitial(() -> false);

    /**
     * The server's bounds.
     *
     * @param workers         threads serving requests
     * @param queue           exchanges waiting for a worker
     * @param maxBodyBytes    the largest request body
     * @param maxConnections  open connections at most (more are closed at accept)
     * @param requestSeconds  from a request's first byte to its last
     * @param responseSeconds from the request's last byte to the response's last
     * @param idleSeconds     a kept-alive connection without a request
     */
    public record Limits(int workers, int queue, int maxBodyBytes, int maxConnections, int requestSeconds,
                         int responseSeconds, int idleSeconds) {
        public static final Limits DEFAULTS = new Limits(8, 64, 64 * 1024, 256, 10, 30, 30);
    }

    /**
     * Counters since start.
     *
     * @param requests   exchanges answered by a handler
     * @param overloaded answered 503 because every worker was busy and the queue full
     * @param dropped    closed without an answer: even the spare threads were busy
     * @param failures   handlers that failed (answered 500)
     */
    public record Stats(long requests, long overloaded, long dropped, long failures) {
    }

    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor spare;
    private final boolean tls;
    /** The HTTPS server's context, whose certificate a SIGHUP replaces; null for plain HTTP. */
    private final SwappableSslContext tlsContext;
    private final LongAdder requests = new LongAdder();
    private final LongAdder overloaded = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failures = new LongAdder();

    private WebServer(final Builder builder) throws IOException {
        configureJdkLimits(builder.limits);
        this.tls = builder.tls != null;
        if (builder.tls != null) {
            tlsContext = SwappableSslContext.of(builder.tls);
            final HttpsServer https = HttpsServer.create(builder.address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(tlsContext));
            server = https;
        } else {
            tlsContext = null;
            server = HttpServer.create(builder.address, 64);
        }
        spare = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(builder.limits.queue()),
                threads("web-busy", true), (task, pool) -> {
                    dropped.increment();
                    throw new RejectedExecutionException("web server overloaded");
                });
        workers = new ThreadPoolExecutor(builder.limits.workers(), builder.limits.workers(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(builder.limits.queue()), threads("web", false),
                (task, pool) -> spare.execute(task));
        server.setExecutor(workers);
        final Map<String, HttpHandler> mounts = new LinkedHashMap<>(builder.mounts);
        mounts.putIfAbsent("/", exchange -> HttpIo.sendProblem(exchange, new Problem(404, "no such path: "
                + exchange.getRequestURI().getRawPath())));
        mounts.forEach((path, handler) -> server.createContext(path, guarded(handler)));
    }

    /** A server for {@code address}; {@link Builder#start()} binds and starts it. */
    public static Builder builder(final InetSocketAddress address) {
        return new Builder(address);
    }

    /** What a server is made of. */
    public static final class Builder {
        private final InetSocketAddress address;
        private final Map<String, HttpHandler> mounts = new LinkedHashMap<>();
        private SSLContext tls;
        private Limits limits = Limits.DEFAULTS;

        private Builder(final InetSocketAddress address) {
            this.address = Objects.requireNonNull(address, "address");
        }

        /** HTTPS with this context (null: plain HTTP). */
        public Builder tls(final SSLContext context) {
            this.tls = context;
            return this;
        }

        public Builder limits(final Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Serves {@code path} and everything under it with {@code handler} (the JDK's longest-prefix match):
         * {@code /api/v1/} the REST API, {@code /metrics} the metrics, {@code /} the dashboard's files. Without a
         * handler for {@code /}, unknown paths answer a 404 problem.
         */
        public Builder mount(final String path, final HttpHandler handler) {
            if (mounts.putIfAbsent(path, Objects.requireNonNull(handler, "handler")) != null) {
                throw new IllegalArgumentException(path + " is mounted twice");
            }
            return this;
        }

        /** Binds the address and starts serving. */
        public WebServer start() throws IOException {
            final WebServer web = new WebServer(this);
            web.server.start();
            LOG.log(System.Logger.Level.INFO, "web server listening on {0} ({1})", web.address(),
                    web.tls ? "https" : "http");
            return web;
        }
    }

    /** The bound address (the port chosen when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Whether the server speaks HTTPS. */
    public boolean tls() {
        return tls;
    }

    /**
     * Serves new connections with {@code context} (SIGHUP re-read tls_cert and tls_key: a renewed certificate needs no
     * restart); open connections keep theirs ({@link SwappableSslContext}: the JDK's server takes its context only
     * before it starts).
     *
     * @throws IllegalStateException on a plain-HTTP server (turning TLS on or off needs a restart)
     */
    public void tls(final SSLContext context) {
        if (tlsContext == null) {
            throw new IllegalStateException("a plain HTTP server cannot take a TLS context");
        }
        tlsContext.swap(context);
    }

    public Stats stats() {
        return new Stats(requests.sum(), overloaded.sum(), dropped.sum(), failures.sum());
    }

    /** Stops accepting, gives running exchanges up to a second, then stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        workers.shutdownNow();
        spare.shutdownNow();
    }

    /** The headers every answer carries; a handler may replace one (the dashboard its CSP) with {@code set}. */
    private void securityHeaders(final HttpExchange exchange) {
        final var headers = exchange.getResponseHeaders();
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
        headers.set("Cache-Control", "no-store");
        if (tls) {
            headers.set("Strict-Transport-Security", "max-age=31536000");
        }
    }

    private HttpHandler guarded(final HttpHandler handler) {
        return exchange -> {
            try {
                securityHeaders(exchange);
                if (SHEDDING.get()) {
                    overloaded.increment();
                    exchange.getResponseHeaders().set("Retry-After", "1");
                    exchange.getResponseHeaders().set("Connection", "close");
                    HttpIo.sendProblem(exchange, new Problem(503, "the web server is busy (every worker busy and "
                            + workers.getQueue().size() + " requests queued): try again"));
                    return;
                }
                requests.increment();
                handler.handle(exchange);
            } catch (IOException e) {
                // the client went away, or a time limit closed its connection: nothing to answer
                LOG.log(System.Logger.Level.DEBUG, "web exchange: {0}", e.toString());
            } catch (RuntimeException | Error e) {
                failures.increment();
                LOG.log(System.Logger.Level.ERROR, "web handler failed on " + exchange.getRequestMethod() + " "
                        + exchange.getRequestURI().getRawPath(), e);
                if (exchange.getResponseCode() == -1) {
                    try {
                        HttpIo.sendProblem(exchange, new Problem(500, "internal error: see the daemon's log"));
                    } catch (IOException | RuntimeException ignored) {
                        // the connection is gone
                    }
                }
            } finally {
                exchange.close();
            }
        };
    }

    private static java.util.concurrent.ThreadFactory threads(final String name, final boolean shedding) {
        final AtomicInteger count = new AtomicInteger();
        return task -> Thread.ofPlatform().daemon().name(name + "-" + count.incrementAndGet()).unstarted(() -> {
            SHEDDING.set(shedding);
            task.run();
        });
    }

    /**
     * The JDK server's limits are system properties read once, when its first server is created: set ours unless
     * the operator gave one on the command line.
     */
    private static void configureJdkLimits(final Limits limits) {
        setDefault("jdk.httpserver.maxConnections", limits.maxConnections());
        setDefault("sun.net.httpserver.maxReqTime", limits.requestSeconds());
        setDefault("sun.net.httpserver.maxRspTime", limits.responseSeconds());
        setDefault("sun.net.httpserver.idleInterval", limits.idleSeconds());
        // how often idle and newly accepted connections are checked (default 10 s: a silent client would hold its
        // connection up to 10 s past its limit)
        setDefault("sun.net.httpserver.clockTick", 1000);
        setDefault("sun.net.httpserver.maxReqHeaders", 100);
        setDefault("sun.net.httpserver.maxReqHeaderSize", 32 * 1024);
    }

    private static void setDefault(final String property, final int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
