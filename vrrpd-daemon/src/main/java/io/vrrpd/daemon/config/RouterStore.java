package io.vrrpd.daemon.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.file.Path;
import io.vrrpd.protocol.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The router files: one human-editable TOML file per router, {@code CONFIG_DIR/routers/NAME.toml}, the
 * router's name being the file's (keys in docs/CONFIG.md). Writes are atomic ({@link AtomicFiles}); loading
 * reports each broken file as {@code FILE:LINE: message} and goes on with the others, so one typo never
 * takes every router down.
 */
public final class RouterStore {

    private static final String HEADER = """
            # vrrpd router %s: written by vrrpd for vrrpadm create-router/modify-router; you may edit it.
            # Keys and units: docs/CONFIG.md. Check edits with: vrrpd --check-config
            """;

    private final TomlDirectory files;
    private final TomlMapper toml = new TomlMapper();

    /** A store under {@code configDir/routers}. */
    public RouterStore(final Path configDir) {
        this.files = new TomlDirectory(configDir.resolve("routers"));
    }

    /**
     * What {@link #loadAll()} found: the valid routers, one error per file that was skipped, and one warning per
     * entry of the routers directory that is not a router file ({@code FILE: ignored: …}), for the caller to log
     * once per load.
     */
    public record Loaded(List<RouterSpec> routers, List<ConfigError> errors, List<String> warnings) {
        public Loaded {
            routers = List.copyOf(routers);
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }

        public Loaded(final List<RouterSpec> routers, final List<ConfigError> errors) {
            this(routers, errors, List.of());
        }
    }

    public Path directory() {
        return files.directory();
    }

    /** The file of router {@code name}. */
    public Path fileOf(final String name) {
        return files.fileOf(name);
    }

    /** Writes the router's file atomically, creating the routers directory (0755) if needed. */
    public void save(final RouterSpec spec) throws IOException {
        files.save(spec.name(), render(spec));
    }

    /** Deletes the router's file durably; nothing happens when there is none. */
    public void delete(final String name) throws IOException {
        files.delete(name);
    }

    /**
     * Reads every {@code *.toml} file in name order. A file that fails to parse or validate, or that reuses
     * a VRID of an earlier file on the same link and family or one of its virtual addresses on the same link
     * ({@link RouterSpec#conflictWith}), is reported at that key's line, naming the earlier file, and skipped.
     * A virtual address an earlier file has on another link is a warning ({@link RouterSpec#warningWith}).
     * Candidates are found through an index by VRID and by address, so 4000 routers load in linear time.
     *
     * @throws IOException when the directory itself cannot be listed (a missing one holds no routers)
     */
    public Loaded loadAll() throws IOException {
        final List<RouterSpec> routers = new ArrayList<>();
        final List<ConfigError> errors = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final Map<String, RouterSpec> byVrid = new HashMap<>();
        final Map<IpAddress, List<RouterSpec>> byAddress = new HashMap<>();
        files.readAll(toml, (file, name, text, tree) -> {
            final RouterSpec spec = fromFile(file, name, text, tree);
            final Set<RouterSpec> candidates = new LinkedHashSet<>();
            Optional.ofNullable(byVrid.get(vridKey(spec))).ifPresent(candidates::add);
            spec.addresses().forEach(prefix -> candidates.addAll(byAddress.getOrDefault(prefix.address(), List.of())));
            for (final RouterSpec other : candidates) {
                final Optional<String> conflict = spec.conflictWith(other);
                if (conflict.isPresent()) {
                    throw new InvalidFileException(new ConfigError(file, lineOf(text,
                            RouterSpecTree.keyOf(conflict.get())), conflict.get() + " (" + fileOf(other.name()) + ")"));
                }
            }
            for (final RouterSpec other : candidates) {
                spec.warningWith(other).ifPresent(warning -> warnings.add(file + ": " + warning));
            }
            byVrid.putIfAbsent(vridKey(spec), spec);
            spec.addresses().forEach(prefix -> byAddress.computeIfAbsent(prefix.address(), a -> new ArrayList<>())
                    .add(spec));
            return spec;
        }, routers, errors);
        files.ignoredFiles().forEach(path -> warnings.add(path
                + ": ignored: not a router file (only NAME.toml files in " + files.directory() + " are read)"));
        return new Loaded(routers, errors, warnings);
    }

    private static String vridKey(final RouterSpec spec) {
        return spec.family() + " " + spec.link() + " " + spec.vrid();
    }

    /**
     * One router file's content, read as {@link #loadAll()} reads each file (the fuzz tests' entry point: the
     * router is named after {@code file}).
     */
    RouterSpec parse(final Path file, final byte[] content) throws InvalidFileException {
        final String text = TomlFiles.decode(file, content);
        final String fileName = file.getFileName().toString();
        return fromFile(file, fileName.substring(0, fileName.length() - ".toml".length()), text,
                TomlFiles.parse(toml, file, text));
    }

    /** The text written for {@code spec}: a comment header, then every key. */
    String render(final RouterSpec spec) {
        try {
            return HEADER.formatted(spec.name()) + toml.writeValueAsString(RouterSpecTree.write(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a router spec always serialises", e);
        }
    }

    private static RouterSpec fromFile(final Path file, final String name, final String text, final JsonNode tree)
            throws InvalidFileException {
        try {
            RouterSpec.checkName(name);
            return RouterSpecTree.read(name, tree);
        } catch (IllegalArgumentException e) {
            throw new InvalidFileException(new ConfigError(file, lineOf(text, RouterSpecTree.keyOf(e.getMessage())),
                    e.getMessage()));
        }
    }

    /** The 1-based line where {@code key} is set ({@code key =} or {@code [key]}), else 1. */
    static int lineOf(final String text, final String key) {
        return TomlFiles.lineOf(text, key);
    }
}
