package io.vrrpd.daemon.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The router files: one human-editable TOML file per router, {@code CONFIG_DIR/routers/NAME.toml}, the
 * router's name being the file's (keys in docs/CONFIG.md). Writes are atomic ({@link AtomicFiles}); loading
 * reports each broken file as {@code FILE:LINE: message} and goes on with the others, so one typo never
 * takes every router down.
 */
public final class RouterStore {

    private static final String SUFFIX = ".toml";
    private static final String HEADER = """
            # vrrpd router %s: written by vrrpd for vrrpadm create-router/modify-router; you may edit it.
            # Keys and units: docs/CONFIG.md. Check edits with: vrrpd --check-config
            """;

    private final Path directory;
    private final TomlMapper toml = new TomlMapper();

    /** A store under {@code configDir/routers}. */
    public RouterStore(final Path configDir) {
        this.directory = configDir.resolve("routers");
    }

    /** What {@link #loadAll()} found: the valid routers, and one error per file that was skipped. */
    public record Loaded(List<RouterSpec> routers, List<ConfigError> errors) {
        public Loaded {
            routers = List.copyOf(routers);
            errors = List.copyOf(errors);
        }
    }

    public Path directory() {
        return directory;
    }

    /** The file of router {@code name}. */
    public Path fileOf(final String name) {
        return directory.resolve(name + SUFFIX);
    }

    /** Writes the router's file atomically, creating the routers directory (0755) if needed. */
    public void save(final RouterSpec spec) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        AtomicFiles.write(fileOf(spec.name()), render(spec).getBytes(StandardCharsets.UTF_8));
    }

    /** Deletes the router's file durably; nothing happens when there is none. */
    public void delete(final String name) throws IOException {
        AtomicFiles.delete(fileOf(name));
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
        for (final Path file : routerFiles()) {
            try {
                final Parsed parsed = load(file);
                routers.stream().filter(parsed.spec::conflictsWith).findFirst().ifPresentOrElse(
                        other -> errors.add(conflict(file, parsed, other)), () -> routers.add(parsed.spec));
            } catch (InvalidFileException e) {
                errors.add(e.error());
            }
        }
        return new Loaded(routers, errors);
    }

    /** The text written for {@code spec}: a comment header, then every key. */
    String render(final RouterSpec spec) {
        try {
            return HEADER.formatted(spec.name()) + toml.writeValueAsString(RouterSpecTree.write(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a router spec always serialises", e);
        }
    }

    private List<Path> routerFiles() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** A valid router file: the spec, and the text for naming lines in later errors. */
    private record Parsed(RouterSpec spec, String text) {
    }

    private Parsed load(final Path file) throws InvalidFileException {
        final String text = TomlFiles.read(file);
        final JsonNode tree = TomlFiles.parse(toml, file, text);
        final String fileName = file.getFileName().toString();
        final String name = fileName.substring(0, fileName.length() - SUFFIX.length());
        try {
            RouterSpec.checkName(name);
            return new Parsed(RouterSpecTree.read(name, tree), text);
        } catch (IllegalArgumentException e) {
            throw new InvalidFileException(new ConfigError(file, lineOf(text, RouterSpecTree.keyOf(e.getMessage())),
                    e.getMessage()));
        }
    }

    private ConfigError conflict(final Path file, final Parsed parsed, final RouterSpec other) {
        final RouterSpec spec = parsed.spec;
        return new ConfigError(file, lineOf(parsed.text, RouterSpecTree.VRID),
                "vrid: " + spec.vrid() + " on " + spec.link() + " (" + spec.family() + ") is already used by router '"
                        + other.name() + "' (" + fileOf(other.name()) + ")");
    }

    /** The 1-based line where {@code key} is set ({@code key =} or {@code [key]}), else 1. */
    static int lineOf(final String text, final String key) {
        return TomlFiles.lineOf(text, key);
    }
}
