package io.vrrpd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.membership.ClusterSettings;
import io.vrrpd.protocol.IpAddress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * This host's settings, {@code CONFIG_DIR/vrrpd.toml} (DESIGN.md §2; keys in docs/CONFIG.md). The file is
 * optional: without it the node is named after the host and is a cluster of one. Every key is checked, unknown
 * keys and tables included, and a problem is one {@code FILE:LINE: message} naming the key and the allowed values:
 * the daemon refuses to start with it, and {@code vrrpd --check-config} prints it.
 *
 * @param nodeName            {@code [node] name}; default: the host name
 * @param cluster             {@code [cluster]}, or null: a cluster of one
 * @param web                 {@code [web]}: listen, token_file, tls_cert, tls_key ({@link WebConfig#OFF} without it)
 * @param checkIntervalMillis {@code [defaults] check_interval}: the check interval of a service created without
 *                            one ({@code create-service} without {@code -c})
 */
public record NodeConfig(String nodeName, ClusterConfig cluster, WebConfig web, long checkIntervalMillis,
                         LogConfig log) {

    /** {@code [log]}: the level ({@code info} by default), and timestamps on each line ({@code auto}: unless journald). */
    public record LogConfig(LogLevel level, Timestamps timestamps) {
        public static final LogConfig DEFAULT = new LogConfig(LogLevel.INFO, Timestamps.AUTO);

        /** {@code auto}: stamped unless stderr is journald's; {@code always}; {@code never}. */
        public enum Timestamps {
            AUTO, ALWAYS, NEVER
        }
    }

    /** As before {@code [log]}: the default log settings. */
    public NodeConfig(final String nodeName, final ClusterConfig cluster, final WebConfig web,
                      final long checkIntervalMillis) {
        this(nodeName, cluster, web, checkIntervalMillis, LogConfig.DEFAULT);
    }

    public static final String FILE_NAME = "vrrpd.toml";
    /** Where the kernel keeps the host name (the UTS namespace's, as uname(2) gives it). */
    static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private static final String NAME_RULE = "1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit";
    private static final Map<String, List<String>> TABLES = Map.of(
            "node", List.of("name"),
            "cluster", List.of("name", "bind", "port", "members", "key_file", "fencing_delay",
                    "failure_timeout"),
            "web", List.of("listen", "token_file", "tls_cert", "tls_key"),
            "defaults", List.of("check_interval"),
            "log", List.of("level", "timestamps"));
    private static final String TABLE_LIST = "[node], [cluster], [web], [defaults], [log]";

    /**
     * Whether {@code name} follows {@link #NAME_RULE}: 1-64 of ASCII A-Z a-z 0-9 _ . -, the first a letter or digit.
     * Written out, not a regex: the host name is checked on the daemon's start path before the control socket, where
     * compiling the pattern spun the regex engine's lambdas at run time (~20-40 ms with ZGC, whose AOT cache links no
     * lambda; issue 12).
     */
    static boolean validName(final String name) {
        if (name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            final boolean alnum = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!alnum && (i == 0 || c != '_' && c != '.' && c != '-')) {
                return false;
            }
        }
        return true;
    }

    /** Whether this host is a cluster of one (no {@code [cluster]} table). */
    public boolean clusterOfOne() {
        return cluster == null;
    }

    /** The file in {@code configDir}. */
    public static Path fileIn(final Path configDir) {
        return configDir.resolve(FILE_NAME);
    }

    /** Reads {@code configDir/vrrpd.toml} (absent: defaults), the host name from the kernel. */
    public static NodeConfig load(final Path configDir) throws InvalidFileException {
        return load(configDir, new KernelHostName());
    }

    /** Reads {@code configDir/vrrpd.toml}; {@code hostName} gives the default node name (null: unknown). */
    public static NodeConfig load(final Path configDir, final Supplier<String> hostName) throws InvalidFileException {
        final Path file = fileIn(configDir);
        if (!Files.exists(file)) {
            return new NodeConfig(defaultName(file, hostName), null, WebConfig.OFF, ServiceSpec.DEFAULT_CHECK_MS);
        }
        return parse(configDir, TomlFiles.read(file), hostName);
    }

    /** {@code configDir/vrrpd.toml} with {@code content} (the fuzz tests' entry point). */
    static NodeConfig parse(final Path configDir, final byte[] content, final Supplier<String> hostName)
            throws InvalidFileException {
        return parse(configDir, TomlFiles.decode(fileIn(configDir), content), hostName);
    }

    private static NodeConfig parse(final Path configDir, final String text, final Supplier<String> hostName)
            throws InvalidFileException {
        final Path file = fileIn(configDir);
        return new Reader(file, text, configDir).read(TomlFiles.parse(new TomlMapper(), file, text), hostName);
    }

    /**
     * The kernel's host name; a class, not {@code NodeConfig::kernelHostName}: this is the daemon's start path before
     * the control socket, where with ZGC every lambda is spun at run time (issue 12).
     */
    private static final class KernelHostName implements Supplier<String> {
        @Override
        public String get() {
            return kernelHostName();
        }
    }

    private static String kernelHostName() {
        try {
            return Files.readString(HOSTNAME).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static String defaultName(final Path file, final Supplier<String> hostName) throws InvalidFileException {
        final String host = hostName.get();
        if (host == null || host.isEmpty()) {
            throw new InvalidFileException(new ConfigError(file, 1, "[node] name: not set, and the host name cannot"
                    + " be read from " + HOSTNAME + " (set [node] name = \"NAME\": " + NAME_RULE + ")"));
        }
        if (!validName(host)) {
            throw new InvalidFileException(new ConfigError(file, 1, "[node] name: not set, and the host name '" + host
                    + "' is not a valid node name (set [node] name = \"NAME\": " + NAME_RULE + ")"));
        }
        return host;
    }

    /** One pass over the tree; knows the text, to name the line of each problem. */
    private record Reader(Path file, String text, Path configDir) {

        NodeConfig read(final JsonNode tree, final Supplier<String> hostName) throws InvalidFileException {
            for (final Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> entry = it.next();
                final String table = entry.getKey();
                if (!TABLES.containsKey(table)) {
                    throw entry.getValue().isObject()
                            ? error(table, null, "[" + table + "]: unknown table (allowed: " + TABLE_LIST + ")")
                            : error("", table, table + ": unknown key (allowed at the top: the tables " + TABLE_LIST
                            + ")");
                }
                if (!entry.getValue().isObject()) {
                    throw error("", table, table + ": expected the table [" + table + "] (keys: "
                            + String.join(", ", TABLES.get(table)) + ")");
                }
                for (final Iterator<String> keys = entry.getValue().fieldNames(); keys.hasNext(); ) {
                    final String key = keys.next();
                    if (!TABLES.get(table).contains(key)) {
                        throw error(table, key, "[" + table + "] " + key + ": unknown key (allowed: "
                                + String.join(", ", TABLES.get(table)) + ")");
                    }
                }
            }
            final JsonNode node = tree.path("node");
            final String name;
            if (node.has("name")) {
                name = text("node", "name", node);
                if (!validName(name)) {
                    throw error("node", "name", "[node] name: '" + name + "' is not valid (allowed: " + NAME_RULE + ")");
                }
            } else {
                name = defaultName(file, hostName);
            }
            final ClusterConfig cluster = tree.has("cluster") ? cluster(tree.get("cluster"), name) : null;
            final WebConfig web = tree.has("web") ? web(tree.get("web")) : WebConfig.OFF;
            final long checkInterval = tree.path("defaults").has("check_interval")
                    ? checkInterval(tree.get("defaults")) : ServiceSpec.DEFAULT_CHECK_MS;
            final LogConfig log = tree.has("log") ? log(tree.get("log")) : LogConfig.DEFAULT;
            return new NodeConfig(name, cluster, web, checkInterval, log);
        }

        private LogConfig log(final JsonNode table) throws InvalidFileException {
            LogLevel level = LogLevel.INFO;
            if (table.has("level")) {
                final String text = text("log", "level", table);
                try {
                    level = LogLevel.parse(text);
                } catch (IllegalArgumentException e) {
                    throw error("log", "level", "[log] level: " + e.getMessage());
                }
            }
            LogConfig.Timestamps timestamps = LogConfig.Timestamps.AUTO;
            if (table.has("timestamps")) {
                final String text = text("log", "timestamps", table);
                timestamps = switch (text) {
                    case "auto" -> LogConfig.Timestamps.AUTO;
                    case "always" -> LogConfig.Timestamps.ALWAYS;
                    case "never" -> LogConfig.Timestamps.NEVER;
                    default -> throw error("log", "timestamps", "[log] timestamps: '" + text + "' is not allowed"
                            + " (allowed: auto, always, never)");
                };
            }
            return new LogConfig(level, timestamps);
        }

        private ClusterConfig cluster(final JsonNode table, final String nodeName) throws InvalidFileException {
            for (final String key : List.of("name", "bind", "members")) {
                if (!table.has(key)) {
                    throw error("cluster", null, "[cluster] " + key + ": required (keys: name, bind, port, members,"
                            + " key_file, fencing_delay, failure_timeout)");
                }
            }
            final String name = text("cluster", "name", table);
            if (!validName(name)) {
                throw error("cluster", "name", "[cluster] name: '" + name + "' is not valid (allowed: " + NAME_RULE
                        + ")");
            }
            final IpAddress bind;
            try {
                bind = IpAddress.parse(text("cluster", "bind", table));
            } catch (IllegalArgumentException e) {
                throw error("cluster", "bind", "[cluster] bind: " + e.getMessage() + " (expected: this host's"
                        + " address for cluster traffic, e.g. \"192.0.2.1\")");
            }
            final int port = table.has("port") ? port(table) : ClusterConfig.DEFAULT_PORT;
            final List<Endpoint> members = members(table, port);
            final Endpoint local = new Endpoint(bind, port);
            if (!members.contains(local)) {
                throw error("cluster", "members", "[cluster] members: this host's own " + local + " (bind:port) is"
                        + " not in the list (list every member, this one included: quorum is a majority of them)");
            }
            final Path keyFile = table.has("key_file") ? keyFile(table) : null;
            final long failureTimeout = table.has("failure_timeout") ? failureTimeout(table)
                    : ClusterConfig.DEFAULT_FAILURE_TIMEOUT_MS;
            // The fencing delay must outlast the quorum lease of a host cut off from the others (DESIGN.md §4); a
            // cluster of one has no others, and no lease.
            final long minFencingDelay = members.size() < 2 ? 0 : ClusterConfig.minFencingDelayMillis(failureTimeout);
            final long fencingDelay = table.has("fencing_delay") ? fencingDelay(table, minFencingDelay, failureTimeout)
                    : Math.max(ClusterConfig.DEFAULT_FENCING_DELAY_MS, minFencingDelay);
            final ClusterConfig config = new ClusterConfig(name, bind, port, members, keyFile, fencingDelay,
                    failureTimeout);
            // What the membership layer refuses (a key file of the wrong size, a port without room for failure
            // detection's port + 100, ...) is a configuration error too: found here, by --check-config as well.
            try {
                final ClusterSettings settings = config.settings(nodeName);
                if (settings.keyFile() != null) {
                    settings.readKey();
                }
            } catch (IllegalArgumentException e) {
                throw error("cluster", null, e.getMessage());
            } catch (IOException e) {
                // ClusterSettings' own lines already name the key and the file
                final String message = String.valueOf(e.getMessage());
                throw error("cluster", "key_file", message.startsWith("[cluster] key_file ") ? message
                        : "[cluster] key_file: " + message);
            }
            return config;
        }

        private long failureTimeout(final JsonNode table) throws InvalidFileException {
            final JsonNode value = table.get("failure_timeout");
            final long min = ClusterSettings.Timing.MIN_FAILURE_TIMEOUT_MS;
            final long max = ClusterSettings.Timing.MAX_FAILURE_TIMEOUT_MS;
            if (!value.isIntegralNumber() || value.longValue() < min || value.longValue() > max) {
                throw error("cluster", "failure_timeout", "[cluster] failure_timeout: " + value + " is not valid"
                        + " (allowed: " + min + "-" + max + " ms, default " + ClusterConfig.DEFAULT_FAILURE_TIMEOUT_MS
                        + ")");
            }
            return value.longValue();
        }

        private long fencingDelay(final JsonNode table, final long min, final long failureTimeout)
                throws InvalidFileException {
            final JsonNode value = table.get("fencing_delay");
            if (!value.isIntegralNumber() || value.longValue() < 0
                    || value.longValue() > ClusterConfig.MAX_FENCING_DELAY_MS) {
                throw error("cluster", "fencing_delay", "[cluster] fencing_delay: " + value + " is not valid (allowed:"
                        + " " + min + "-" + ClusterConfig.MAX_FENCING_DELAY_MS + " ms, default "
                        + Math.max(ClusterConfig.DEFAULT_FENCING_DELAY_MS, min) + ")");
            }
            if (value.longValue() < min) {
                throw error("cluster", "fencing_delay", "[cluster] fencing_delay: " + value + " is too short for"
                        + " failure_timeout " + failureTimeout + " (allowed: " + min + "-"
                        + ClusterConfig.MAX_FENCING_DELAY_MS + " ms: the others must not start the services of a host"
                        + " cut off from them before its quorum lease has run out)");
            }
            return value.longValue();
        }

        private int port(final JsonNode table) throws InvalidFileException {
            final JsonNode value = table.get("port");
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1
                    || value.intValue() > 65535) {
                throw error("cluster", "port", "[cluster] port: " + value + " is not a port (allowed: 1-65535,"
                        + " default " + ClusterConfig.DEFAULT_PORT + ")");
            }
            return value.intValue();
        }

        private List<Endpoint> members(final JsonNode table, final int port) throws InvalidFileException {
            final JsonNode value = table.get("members");
            if (!value.isArray() || value.isEmpty()) {
                throw error("cluster", "members", "[cluster] members: expected a non-empty list of \"ADDR[:PORT]\","
                        + " found " + value);
            }
            final List<Endpoint> members = new ArrayList<>();
            for (final JsonNode element : value) {
                if (!element.isTextual()) {
                    throw error("cluster", "members", "[cluster] members: expected a list of \"ADDR[:PORT]\" strings,"
                            + " found " + element);
                }
                final Endpoint member;
                try {
                    member = Endpoint.parse(element.textValue(), port);
                } catch (IllegalArgumentException e) {
                    throw error("cluster", "members", "[cluster] members: " + e.getMessage());
                }
                if (members.contains(member)) {
                    throw error("cluster", "members", "[cluster] members: " + member + " is listed twice");
                }
                members.add(member);
            }
            return members;
        }

        /** A readable regular file, not readable by others: the key is the cluster's only secret. */
        private Path keyFile(final JsonNode table) throws InvalidFileException {
            final String value = text("cluster", "key_file", table);
            if (value.isEmpty()) {
                throw error("cluster", "key_file", "[cluster] key_file: empty (a path, absolute or relative to "
                        + configDir + ")");
            }
            final Path path;
            try {
                path = configDir.resolve(value).toAbsolutePath().normalize();
            } catch (InvalidPathException e) { // a NUL byte, which a TOML escape can write: a ConfigFilesFuzzTest seed
                throw error("cluster", "key_file", "[cluster] key_file: '" + value + "' is not a path ("
                        + e.getReason() + ")");
            }
            try {
                if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                    throw error("cluster", "key_file", "[cluster] key_file: " + path + " is not a readable file");
                }
                if (Files.size(path) == 0) {
                    throw error("cluster", "key_file", "[cluster] key_file: " + path + " is empty");
                }
                final Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
                if (mode.contains(PosixFilePermission.OTHERS_READ)) {
                    throw error("cluster", "key_file", "[cluster] key_file: " + path + " is readable by every user"
                            + " (allowed: no access for others, e.g. chmod 600)");
                }
            } catch (IOException e) {
                throw error("cluster", "key_file", "[cluster] key_file: cannot read " + path + ": " + e.getMessage());
            }
            return path;
        }

        private WebConfig web(final JsonNode table) throws InvalidFileException {
            Endpoint listen = null;
            if (table.has("listen")) {
                try {
                    listen = Endpoint.parse(text("web", "listen", table), 0);
                } catch (IllegalArgumentException e) {
                    throw error("web", "listen", "[web] listen: " + e.getMessage());
                }
            }
            if (table.has("tls_cert") != table.has("tls_key")) {
                final String missing = table.has("tls_cert") ? "tls_key" : "tls_cert";
                throw error("web", table.has("tls_cert") ? "tls_cert" : "tls_key", "[web] " + missing + ": required"
                        + " with " + (table.has("tls_cert") ? "tls_cert" : "tls_key") + " (tls_cert: the PEM certificate"
                        + " chain, tls_key: its PEM PKCS#8 private key)");
            }
            // The token file and the private key are secrets: nobody but the daemon's user may read them.
            final WebConfig web = new WebConfig(listen, webFile(table, "token_file", true),
                    webFile(table, "tls_cert", false), webFile(table, "tls_key", true));
            final java.util.Optional<String> refusal = web.refusal();
            if (refusal.isPresent()) {
                throw error("web", "listen", "[web] listen: " + refusal.get());
            }
            return web;
        }

        /** A readable regular file ({@code secret}: not readable by others), or null when the key is not set. */
        private Path webFile(final JsonNode table, final String key, final boolean secret) throws InvalidFileException {
            if (!table.has(key)) {
                return null;
            }
            final String value = text("web", key, table);
            final Path path;
            try {
                path = value.isEmpty() ? null : configDir.resolve(value).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw error("web", key, "[web] " + key + ": '" + value + "' is not a path (" + e.getReason() + ")");
            }
            if (path == null) {
                throw error("web", key, "[web] " + key + ": empty (a path, absolute or relative to " + configDir + ")");
            }
            try {
                if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                    throw error("web", key, "[web] " + key + ": " + path + " is not a readable file");
                }
                if (secret && Files.getPosixFilePermissions(path).contains(PosixFilePermission.OTHERS_READ)) {
                    throw error("web", key, "[web] " + key + ": " + path + " is readable by every user (allowed: no"
                            + " access for others, e.g. chmod 600)");
                }
            } catch (IOException e) {
                throw error("web", key, "[web] " + key + ": cannot read " + path + ": " + e.getMessage());
            }
            return path;
        }

        private long checkInterval(final JsonNode table) throws InvalidFileException {
            final JsonNode value = table.get("check_interval");
            final long ms = value.isIntegralNumber() && value.canConvertToLong() ? value.longValue() : -1;
            if (ms != 0 && (ms < ServiceSpec.MIN_CHECK_MS || ms > ServiceSpec.MAX_CHECK_MS)) {
                throw error("defaults", "check_interval", "[defaults] check_interval: " + value + " is out of range"
                        + " (allowed: 0 (no periodic check) or " + ServiceSpec.MIN_CHECK_MS + "-"
                        + ServiceSpec.MAX_CHECK_MS + " ms, default " + ServiceSpec.DEFAULT_CHECK_MS + ")");
            }
            return ms;
        }

        private String text(final String table, final String key, final JsonNode tree) throws InvalidFileException {
            final JsonNode value = tree.get(key);
            if (!value.isTextual()) {
                throw error(table, key, "[" + table + "] " + key + ": expected a string, found " + value);
            }
            return value.textValue();
        }

        private InvalidFileException error(final String table, final String key, final String message) {
            return new InvalidFileException(new ConfigError(file, TomlFiles.lineOf(text, table, key), message));
        }
    }
}
