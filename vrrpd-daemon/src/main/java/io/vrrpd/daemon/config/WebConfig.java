package io.vrrpd.daemon.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code [web]} of vrrpd.toml (DESIGN.md §2, docs/CONFIG.md): where the web server listens and what protects it.
 * Paths are absolute (relative ones were resolved against the config directory). The contents of the files (tokens,
 * PEM) are read when the server starts, or by {@code --check-config}.
 *
 * @param listen    {@code listen} ({@code --http} overrides it), null: no web server (off by default)
 * @param tokenFile {@code token_file}: one {@code TOKEN ROLE} per line; null: the API is read-only
 * @param tlsCert   {@code tls_cert}: PEM certificate chain; null: plain HTTP
 * @param tlsKey    {@code tls_key}: PEM PKCS#8 private key, set with {@code tlsCert}
 */
public record WebConfig(Endpoint listen, Path tokenFile, Path tlsCert, Path tlsKey) {

    /** No {@code [web]} table: no web server. */
    public static final WebConfig OFF = new WebConfig(null, null, null, null);

    /** Whether a web server is to run. */
    public boolean enabled() {
        return listen != null;
    }

    /** Whether the server speaks TLS. */
    public boolean tls() {
        return tlsCert != null;
    }

    /** The same settings listening on {@code endpoint} ({@code vrrpd --http}). */
    public WebConfig withListen(final Endpoint endpoint) {
        return new WebConfig(endpoint, tokenFile, tlsCert, tlsKey);
    }

    /**
     * Why these settings must not be served, if they must not (DESIGN.md §2): an address other than loopback is
     * reachable from the network, so it needs TLS (tokens travel in the clear otherwise) and a token file.
     *
     * @return the reason, one line without the key's name (the caller says where the address came from)
     */
    public Optional<String> refusal() {
        if (listen == null || listen.address().isLoopback()) {
            return Optional.empty();
        }
        final List<String> missing = new ArrayList<>();
        if (tlsCert == null) {
            missing.add("tls_cert");
            missing.add("tls_key");
        }
        if (tokenFile == null) {
            missing.add("token_file");
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(listen + " is not a loopback address: serving the network needs tls_cert and tls_key (PEM)"
                + " and token_file in [web] (missing: " + String.join(", ", missing) + "); or listen on 127.0.0.1 or"
                + " [::1] behind a reverse proxy");
    }
}
