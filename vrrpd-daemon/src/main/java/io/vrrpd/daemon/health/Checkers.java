package io.vrrpd.daemon.health;

import io.vrrpd.daemon.config.Dependency;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The checker of each kind of dependency. Owns what checkers share: one HTTP client (connection pool,
 * selector thread) for every {@code http}/{@code https} check of the daemon.
 *
 * <p>The client is made for the first http dependency watched, not with the monitor: building one sets up the JDK's
 * default TLS context (security providers, the cacerts trust store), ~1,000 classes and a few hundred ms of CPU
 * that were on every daemon's start path (exec -> control socket, issue 12) though most have no http check. Made
 * here, on the monitor's own thread (where dependencies become checkers), before the dependency's first check and
 * its timeout start; never on the real-time router loop, so the client's selector thread does not inherit its
 * scheduling class.
 */
final class Checkers implements Function<Dependency, Checker>, AutoCloseable {
    private HttpClient http;
    private boolean closed;

    @Override
    public Checker apply(final Dependency dependency) {
        final String target = dependency.target();
        return switch (dependency.kind()) {
            case TCP -> new TcpChecker(target);
            case HTTP -> new HttpChecker(http(), URI.create(target));
            case EXEC -> new ExecChecker(Path.of(target));
            case PID -> target.startsWith("/") ? new PidChecker(Path.of(target)) : new ProcessNameChecker(target);
            case SYSTEMD -> new SystemdChecker(target);
            case LINK -> new LinkChecker(Path.of("/sys/class/net"), target);
        };
    }

    /** The shared client, made now if no http dependency has needed it yet. */
    synchronized HttpClient http() {
        if (closed) {
            throw new IllegalStateException("the health monitor is closed");
        }
        if (http == null) {
            http = HttpChecker.newClient();
        }
        return http;
    }

    /** Whether an http dependency has made the shared client (a start without one makes none). */
    synchronized boolean httpClientMade() {
        return http != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (http != null) {
            http.shutdownNow();
        }
    }
}
