package io.vrrpd.daemon.health;

import io.vrrpd.daemon.config.Dependency;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The checker of each kind of dependency. Owns what checkers share: one HTTP client (connection pool,
 * selector thread) for every {@code http}/{@code https} check of the daemon.
 */
final class Checkers implements Function<Dependency, Checker>, AutoCloseable {
    private final HttpClient http = HttpChecker.newClient();

    @Override
    public Checker apply(final Dependency dependency) {
        final String target = dependency.target();
        return switch (dependency.kind()) {
            case TCP -> new TcpChecker(target);
            case HTTP -> new HttpChecker(http, URI.create(target));
            case EXEC -> new ExecChecker(Path.of(target));
            case PID -> target.startsWith("/") ? new PidChecker(Path.of(target)) : new ProcessNameChecker(target);
            case SYSTEMD -> new SystemdChecker(target);
            case LINK -> new LinkChecker(Path.of("/sys/class/net"), target);
        };
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
