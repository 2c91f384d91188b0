package io.vrrpd.daemon.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    /** What {@link #loadAll()} found: the valid routers, and one error per file that was skipped. */
    public record Loaded(List<RouterSpec> routers, List<ConfigError> errors) {
        public Loaded {
            routers = List.copyOf(routers);
            errors = List.copyOf(errors);
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
     * a VRID of an earlier file on the same link and family, is reported and skipped.
     *
     * @throws IOException when the directory itself cannot be listed (a missing one holds no routers)
     */
    public Loaded loadAll() throws IOException {
        final List<RouterSpec> routers = new ArrayList<>();
        final List<ConfigError> errors = new ArrayList<>();
        files.readAll(toml, (file, name, text, tree) -> {
            final RouterSpec spec = fromFile(file, name, text, tree);
            final Optional<RouterSpec> other = routers.stream().filter(spec::conflictsWith).findFirst();
            if (other.isPresent()) {
                throw new InvalidFileException(conflict(file, text, spec, other.get()));
            }
            return spec;
        }, routers, errors);
        return new Loaded(routers, errors);
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

    private ConfigError conflict(final Path file, final String text, final RouterSpec spec, final RouterSpec other) {
        return new ConfigError(file, lineOf(text, RouterSpecTree.VRID),
                "vrid: " + spec.vrid() + " on " + spec.link() + " (" + spec.family() + ") is already used by router '"
                        + other.name() + "' (" + fileOf(other.name()) + ")");
    }

    /** The 1-based line where {@code key} is set ({@code key =} or {@code [key]}), else 1. */
    static int lineOf(final String text, final String key) {
        return TomlFiles.lineOf(text, key);
    }
}
