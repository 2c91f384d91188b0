package io.vrrpd.daemon.web;

import io.vrrpd.daemon.config.Endpoint;
import io.vrrpd.daemon.config.InvalidFileException;
import io.vrrpd.daemon.config.WebConfig;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * {@code [web]} with its files read: the tokens and the TLS context. Built before anything starts (the daemon
 * refuses to start on a broken token file or key, {@code --check-config} prints the same {@code FILE:LINE: message}).
 *
 * @param config the settings (listen set: a server is wanted)
 * @param tokens the token file's tokens, null without one (read-only API)
 * @param tls    the TLS context, null without tls_cert (plain HTTP)
 */
public record WebSetup(WebConfig config, Tokens tokens, SSLContext tls) {

    public WebSetup {
        Objects.requireNonNull(config.listen(), "listen");
    }

    /**
     * The settings of vrrpd.toml with {@code --http} applied ({@code http} null: none), their files read; null when
     * no server is wanted.
     *
     * @throws IllegalArgumentException with the line to print ({@code vrrpd: --http: …}) when {@code --http} breaks the
     *                                  non-loopback rule (the file's own listen was checked, with its line, by
     *                                  NodeConfig)
     * @throws InvalidFileException     {@code FILE:LINE: message} of the token file or a PEM file
     */
    public static WebSetup of(final WebConfig file, final Endpoint http) throws InvalidFileException {
        final WebConfig settings = http == null ? file : file.withListen(http);
        if (!settings.enabled()) {
            return null;
        }
        final java.util.Optional<String> refusal = settings.refusal();
        if (refusal.isPresent()) {
            throw new IllegalArgumentException("vrrpd: --http: " + refusal.get());
        }
        return load(settings);
    }

    /** Reads the token file and the PEM files of {@code config} (whose listen is set). */
    public static WebSetup load(final WebConfig config) throws InvalidFileException {
        final Tokens tokens = config.tokenFile() == null ? null : Tokens.load(config.tokenFile());
        final SSLContext tls = config.tlsCert() == null ? null : TlsContext.load(config.tlsCert(), config.tlsKey());
        return new WebSetup(config, tokens, tls);
    }

    /** The socket address to bind. */
    public InetSocketAddress address() {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(config.listen().address().toBytes()),
                    config.listen().port());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an IPv4 or IPv6 address always converts", e);
        }
    }

    /** For the log and --check-config, e.g. {@code https on 192.0.2.1:8443, 2 token(s)}; never a token. */
    public String describe() {
        return (tls == null ? "http" : "https") + " on " + config.listen() + ", "
                + (tokens == null ? "read-only API (no token_file)" : tokens.size() + " token(s)");
    }

    /** The REST API on {@code verbs}, with these tokens (a SIGHUP may replace them: {@link RestApi#tokens}). */
    public RestApi api(final io.vrrpd.daemon.control.ControlHandler verbs) {
        return new RestApi(verbs, tokens, WebServer.Limits.DEFAULTS.maxBodyBytes());
    }

    /** The server with {@code api} mounted (the caller adds the other mounts, then starts it). */
    public WebServer.Builder server(final RestApi api) {
        return WebServer.builder(address()).tls(tls).mount(ApiRoutes.PREFIX + "/", api);
    }
}
