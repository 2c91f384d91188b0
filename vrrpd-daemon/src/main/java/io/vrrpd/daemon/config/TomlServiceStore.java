package io.vrrpd.daemon.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceStore;
import io.vrrpd.cluster.StoredService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * This host's copy of the services: one human-editable TOML file per service, {@code CONFIG_DIR/services/NAME.toml},
 * the service's name being the file's (keys in docs/CONFIG.md). Besides the spec ({@link ServiceSpecTree}'s keys)
 * a file holds the cluster's facts about the service: {@code active_on}, {@code wanted}, {@code preferred} and
 * {@code revision}. Writes are atomic ({@link AtomicFiles}); loading reports each broken file as
 * {@code FILE:LINE: message}, logs it and goes on with the others.
 */
public final class TomlServiceStore implements ServiceStore {

    public static final String ACTIVE_ON = "active_on";
    public static final String WANTED = "wanted";
    public static final String PREFERRED = "preferred";
    public static final String REVISION = "revision";
    /** Every key of a service file. */
    public static final List<String> KEYS = List.of(ServiceSpecTree.TYPE, ServiceSpecTree.ADDRESSES,
            ServiceSpecTree.LINK, ServiceSpecTree.CHECK_INTERVAL, ACTIVE_ON, WANTED, PREFERRED, REVISION,
            ServiceSpecTree.PROPERTIES);

    /** The tombstones' file name without {@code .toml}: a dot file, so never listed as a service. */
    private static final String TOMBSTONES = ".deleted";
    private static final String TOMBSTONES_HEADER = """
            # vrrpd: the services deleted in this cluster, with the revision of each deletion. Written by vrrpd;
            # a service file with a revision at or below its deletion's is not loaded (it is a stale copy).
            """;
    private static final System.Logger LOG = System.getLogger(TomlServiceStore.class.getName());
    private static final String HEADER = """
            # vrrpd service %s: written by vrrpd for vrrpadm's service verbs; the same on every host of the cluster.
            # Keys: docs/CONFIG.md. Check edits with: vrrpd --check-config
            """;

    private final TomlDirectory files;
    private final long defaultCheckMillis;
    private final TomlMapper toml = new TomlMapper();

    /**
     * A store under {@code configDir/services}.
     *
     * @param defaultCheckMillis the check interval of a file without {@code check_interval}
     *                           ({@code [defaults] check_interval} of vrrpd.toml)
     */
    public TomlServiceStore(final Path configDir, final long defaultCheckMillis) {
        this.files = new TomlDirectory(configDir.resolve("services"));
        this.defaultCheckMillis = defaultCheckMillis;
    }

    /** What {@link #read()} found: the valid services, and one error per file that was skipped. */
    public record Loaded(List<StoredService> services, List<ConfigError> errors) {
        public Loaded {
            services = List.copyOf(services);
            errors = List.copyOf(errors);
        }
    }

    public Path directory() {
        return files.directory();
    }

    /** The file of service {@code name}. */
    public Path fileOf(final String name) {
        return files.fileOf(name);
    }

    /** Every valid service; each broken file is logged as {@code FILE:LINE: message} and left out. */
    @Override
    public List<StoredService> loadAll() throws IOException {
        final Loaded loaded = read();
        loaded.errors().forEach(error -> LOG.log(System.Logger.Level.ERROR, error + " (service left out)"));
        return loaded.services();
    }

    /**
     * Reads every {@code *.toml} file in name order; a file that fails to parse or validate is reported and
     * skipped.
     *
     * @throws IOException when the directory itself cannot be listed (a missing one holds no services)
     */
    public Loaded read() throws IOException {
        final List<StoredService> services = new ArrayList<>();
        final List<ConfigError> errors = new ArrayList<>();
        files.readAll(toml, this::fromFile, services, errors);
        return new Loaded(services, errors);
    }

    /** Writes the service's file atomically, creating the services directory (0755) if needed. */
    @Override
    public void save(final StoredService service) throws IOException {
        files.save(service.name(), render(service));
    }

    /** Deletes the service's file durably; nothing happens when there is none. */
    @Override
    public void delete(final String name) throws IOException {
        files.delete(name);
    }

    /**
     * The deletions this host knows of, from {@code services/.deleted.toml} (a dot file: never read as a service;
     * keys are service names, values the revisions of their deletions). A missing file holds none.
     *
     * @throws IOException the file exists but cannot be read or parsed ({@code FILE:LINE: message})
     */
    @Override
    public Map<String, Long> loadTombstones() throws IOException {
        final Path file = files.fileOf(TOMBSTONES);
        if (!Files.exists(file)) {
            return Map.of();
        }
        final String text;
        final JsonNode tree;
        try {
            text = TomlFiles.read(file);
            tree = TomlFiles.parse(toml, file, text);
        } catch (InvalidFileException e) {
            throw new IOException(e.error().toString(), e);
        }
        final Map<String, Long> tombstones = new TreeMap<>();
        final java.util.Iterator<Map.Entry<String, JsonNode>> fields = tree.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().canConvertToExactIntegral() || field.getValue().longValue() < 0) {
                throw new IOException(new ConfigError(file, TomlFiles.lineOf(text, "", field.getKey()),
                        field.getKey() + ": expected the revision of its deletion (0 or more), found "
                                + field.getValue()).toString());
            }
            tombstones.put(field.getKey(), field.getValue().longValue());
        }
        return tombstones;
    }

    /** Writes {@code services/.deleted.toml} atomically. */
    @Override
    public void saveTombstones(final Map<String, Long> tombstones) throws IOException {
        final ObjectNode tree = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(tombstones).forEach(tree::put);
        files.save(TOMBSTONES, TOMBSTONES_HEADER + toml.writeValueAsString(tree));
    }

    /**
     * One service file's content, read as {@link #read()} reads each file (the fuzz tests' entry point: the
     * service is named after {@code file}).
     */
    StoredService parse(final Path file, final byte[] content) throws InvalidFileException {
        final String text = TomlFiles.decode(file, content);
        final String fileName = file.getFileName().toString();
        return fromFile(file, fileName.substring(0, fileName.length() - ".toml".length()), text,
                TomlFiles.parse(toml, file, text));
    }

    /** The text written for {@code service}: a comment header, the keys, then the {@code [properties]} table. */
    String render(final StoredService service) {
        final ObjectNode spec = ServiceSpecTree.write(service.spec());
        final ObjectNode tree = JsonNodeFactory.instance.objectNode();
        for (final String key : KEYS) {
            switch (key) {
                case ACTIVE_ON -> {
                    final ArrayNode nodes = tree.putArray(ACTIVE_ON);
                    service.activeOn().forEach(nodes::add);
                }
                case WANTED -> tree.put(WANTED, service.wanted());
                case PREFERRED -> {
                    if (service.preferred() != null) {
                        tree.put(PREFERRED, service.preferred());
                    }
                }
                case REVISION -> tree.put(REVISION, service.revision());
                default -> {
                    if (spec.has(key)) {
                        tree.set(key, spec.get(key));
                    }
                }
            }
        }
        try {
            return HEADER.formatted(service.name()) + toml.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a service always serialises", e);
        }
    }

    private StoredService fromFile(final Path file, final String name, final String text, final JsonNode tree)
            throws InvalidFileException {
        try {
            final ServiceSpec spec = ServiceSpecTree.read(name, tree, KEYS, defaultCheckMillis);
            return new StoredService(spec, activeOn(tree), tree.has(WANTED) && bool(tree, WANTED),
                    tree.has(PREFERRED) ? ServiceSpecTree.text(tree, PREFERRED) : null,
                    tree.has(REVISION) ? revision(tree) : 0);
        } catch (IllegalArgumentException e) {
            final String message = e.getMessage();
            final int colon = message.indexOf(':');
            final String key = colon < 0 ? null : message.substring(0, colon);
            final int line = key == null || key.equals("name") ? 1
                    : key.equals(ServiceSpecTree.PROPERTIES) ? TomlFiles.lineOf(text, ServiceSpecTree.PROPERTIES, null)
                    : keyOrTableLine(text, key);
            throw new InvalidFileException(new ConfigError(file, line, key != null && key.equals("name")
                    ? message.substring(colon + 2) + " (it is the file's name)" : message));
        }
    }

    /** The line setting top-level {@code key}, else the header of a table of that name ({@code [key]}). */
    private static int keyOrTableLine(final String text, final String key) {
        final int line = TomlFiles.lineOf(text, "", key);
        return line > 1 ? line : TomlFiles.lineOf(text, key, null);
    }

    private static SortedSet<String> activeOn(final JsonNode tree) {
        final SortedSet<String> nodes = new TreeSet<>();
        if (!tree.has(ACTIVE_ON)) {
            return nodes;
        }
        final JsonNode list = tree.get(ACTIVE_ON);
        if (!list.isArray()) {
            throw new IllegalArgumentException(ACTIVE_ON + ": expected a list of node names, found " + list);
        }
        for (final JsonNode node : list) {
            if (!node.isTextual() || node.textValue().isEmpty()) {
                throw new IllegalArgumentException(ACTIVE_ON + ": expected a list of node names, found " + node);
            }
            nodes.add(node.textValue());
        }
        return nodes;
    }

    private static boolean bool(final JsonNode tree, final String key) {
        final JsonNode node = tree.get(key);
        if (!node.isBoolean()) {
            throw new IllegalArgumentException(key + ": expected true or false, found " + node);
        }
        return node.booleanValue();
    }

    private static long revision(final JsonNode tree) {
        final long revision = ServiceSpecTree.longValue(tree, REVISION);
        if (revision < 0) {
            throw new IllegalArgumentException(REVISION + ": " + revision + " is negative (allowed: 0 or more)");
        }
        return revision;
    }
}
