package io.vrrpd.daemon;

import io.vrrpd.daemon.config.ClusterConfig;
import io.vrrpd.daemon.config.Endpoint;
import io.vrrpd.daemon.config.InvalidFileException;
import io.vrrpd.daemon.config.NodeConfig;
import io.vrrpd.daemon.control.RouterControl;
import io.vrrpd.daemon.control.ServiceReload;
import io.vrrpd.daemon.runtime.Log;
import io.vrrpd.daemon.web.WebSetup;
import io.vrrpd.daemon.web.metrics.ConfigMetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SIGHUP (issue 12): every configuration file again — vrrpd.toml (with its web token and PEM files), routers/*.toml,
 * services/*.toml — applying what can change while the daemon runs and logging {@code restart needed for KEY} for the
 * rest. vrrpd.toml is read as {@code vrrpd --check-config} reads it, first: a broken one (or a broken token or PEM file)
 * is logged as {@code FILE:LINE: message} and nothing at all is reloaded, routers and services included, since they are
 * read with its defaults. Runs on the reload thread, never on the router loop: it reads files and waits for cluster
 * commits.
 *
 * <p>Live: {@code [defaults] check_interval} (create-service and service files without one), {@code [web] token_file}
 * (its contents too; removed: read-only API), {@code [web] tls_cert}/{@code tls_key} of a TLS server (new
 * connections). Restart: {@code [node] name}, every {@code [cluster]} key (and the key file's content: the membership
 * reads it once), {@code [web] listen}, and TLS turned on or off. The values a restart would take are compared with
 * the ones the daemon started with, so each reload repeats the lines until the restart.
 */
final class ConfigReload {

    private final Path configDir;
    private final Endpoint http;
    private final NodeConfig started;
    private final WebSetup startedWeb;
    private final byte[] startedKeyDigest;
    private final AtomicLong checkInterval;
    private final RouterControl routers;
    private final ServiceReload services;
    private final WebStartup web;
    private final AtomicLong reloads = new AtomicLong();
    /** {@code [log]} as last applied, and what applies a changed one (says what it did; null: nothing). */
    private NodeConfig.LogConfig log;
    private java.util.function.Function<NodeConfig.LogConfig, String> applyLog = changed -> null;
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param started       vrrpd.toml as the daemon started with it
     * @param startedWeb    its web settings with {@code --http} applied (null: no web server)
     * @param checkInterval {@code [defaults] check_interval} in force, shared with create-service
     */
    ConfigReload(final Path configDir, final Endpoint http, final NodeConfig started, final WebSetup startedWeb,
                 final AtomicLong checkInterval, final RouterControl routers, final ServiceReload services,
                 final WebStartup web) {
        this.configDir = configDir;
        this.http = http;
        this.started = started;
        this.startedWeb = startedWeb;
        this.startedKeyDigest = keyDigest(started);
        this.checkInterval = checkInterval;
        this.routers = routers;
        this.services = services;
        this.web = web;
        this.log = started.log();
    }

    /** A changed {@code [log]} is applied live by {@code apply} (which returns what it did, or null). */
    ConfigReload withLog(final java.util.function.Function<NodeConfig.LogConfig, String> apply) {
        this.applyLog = apply;
        return this;
    }

    /** One reload; serialised (two quick SIGHUPs reload twice, one after the other). */
    synchronized void run() {
        final NodeConfig now;
        final WebSetup nowWeb;
        try {
            now = NodeConfig.load(configDir);
            nowWeb = WebSetup.of(now.web(), http);
        } catch (InvalidFileException e) {
            refuse(e.error().toString());
            return;
        } catch (IllegalArgumentException e) {
            refuse(e.getMessage());
            return;
        }
        final List<String> restart = restartNeeded(started, startedWeb, now, nowWeb);
        if (!Arrays.equals(startedKeyDigest, keyDigest(now)) && !restart.contains("[cluster] key_file")
                && started.cluster() != null && now.cluster() != null) {
            restart.add("[cluster] key_file");
        }
        restart.forEach(key -> Log.warn("reload: restart needed for " + key + " (" + NodeConfig.fileIn(configDir)
                + " changed it; the running value stays until vrrpd restarts)"));
        final List<String> applied = new ArrayList<>();
        final long interval = checkInterval.getAndSet(now.checkIntervalMillis());
        if (interval != now.checkIntervalMillis()) {
            applied.add("[defaults] check_interval: " + interval + " -> " + now.checkIntervalMillis() + " ms");
        }
        if (!now.log().equals(log)) {
            final String done = applyLog.apply(now.log());
            if (done != null) {
                applied.add(done);
            }
            log = now.log();
        }
        if (Objects.equals(listen(startedWeb), listen(nowWeb))) {
            applied.addAll(web.reload(nowWeb));
        }
        Log.info("reload: " + NodeConfig.fileIn(configDir) + ": " + (applied.isEmpty() ? "nothing to apply live"
                : "applied " + String.join("; ", applied)) + (restart.isEmpty() ? ""
                : "; restart needed for " + String.join(", ", restart)));
        try {
            Log.info(routers.reload());
        } catch (IOException e) {
            Log.error("reload: cannot read the router files: " + e.getMessage() + " (routers keep running as they are)");
        }
        Log.info(services.reload(now.checkIntervalMillis(), Log::info, Log::error));
        reloads.incrementAndGet();
    }

    /** For /metrics: the broken router files, the reloads done and refused. */
    ConfigMetrics.Counts counts() {
        return new ConfigMetrics.Counts(routers.brokenCount(), reloads.get(), refused.get());
    }

    private void refuse(final String error) {
        refused.incrementAndGet();
        Log.error("reload: " + error + ": nothing reloaded (vrrpd.toml, routers and services keep their running"
                + " configuration; vrrpd --check-config lists every error)");
    }

    /**
     * The keys of {@code after} that differ from {@code before} and need a restart, named as docs/CONFIG.md names
     * them ({@code [cluster] members}). {@code beforeWeb}/{@code afterWeb}: the web settings with {@code --http}
     * applied (null: off), so a listen that --http overrides is no change.
     */
    static List<String> restartNeeded(final NodeConfig before, final WebSetup beforeWeb, final NodeConfig after,
                                      final WebSetup afterWeb) {
        final List<String> keys = new ArrayList<>();
        if (!before.nodeName().equals(after.nodeName())) {
            keys.add("[node] name");
        }
        final ClusterConfig b = before.cluster();
        final ClusterConfig a = after.cluster();
        if ((b == null) != (a == null)) {
            keys.add("[cluster]");
        } else if (b != null) {
            differs(keys, "[cluster] name", b.name(), a.name());
            differs(keys, "[cluster] bind", b.bind(), a.bind());
            differs(keys, "[cluster] port", b.port(), a.port());
            differs(keys, "[cluster] members", b.members(), a.members());
            differs(keys, "[cluster] key_file", b.keyFile(), a.keyFile());
            differs(keys, "[cluster] fencing_delay", b.fencingDelayMillis(), a.fencingDelayMillis());
            differs(keys, "[cluster] failure_timeout", b.failureTimeoutMillis(), a.failureTimeoutMillis());
        }
        differs(keys, "[web] listen", listen(beforeWeb), listen(afterWeb));
        if (beforeWeb != null && afterWeb != null && (beforeWeb.tls() == null) != (afterWeb.tls() == null)) {
            keys.add("[web] tls_cert");
            keys.add("[web] tls_key");
        }
        return keys;
    }

    private static void differs(final List<String> keys, final String key, final Object before, final Object after) {
        if (!Objects.equals(before, after)) {
            keys.add(key);
        }
    }

    private static Endpoint listen(final WebSetup web) {
        return web == null ? null : web.config().listen();
    }

    /** SHA-256 of the cluster key file's content (null without one, or unreadable): the membership read it once. */
    private static byte[] keyDigest(final NodeConfig node) {
        if (node.cluster() == null || node.cluster().keyFile() == null) {
            return null;
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(node.cluster().keyFile()));
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }
}
