package io.vrrpd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory of human-editable {@code NAME.toml} files, one per router or service, the name being the file's.
 * Writes are atomic ({@link AtomicFiles}); reading reports each broken file as {@code FILE:LINE: message} and goes
 * on with the others, so one typo never takes every router or service down.
 */
record TomlDirectory(Path directory) {

    private static final String SUFFIX = ".toml";

    /** Makes one file's value; throws for a file that is refused, with the line to blame. */
    @FunctionalInterface
    interface Reader<T> {
        /**
         * @param name the file's name without {@code .toml}
         * @param text the file's text, for placing errors on lines
         * @param tree the parsed file
         */
        T read(Path file, String name, String text, JsonNode tree) throws InvalidFileException;
    }

    /** The file of {@code name}. */
    Path fileOf(final String name) {
        return directory.resolve(name + SUFFIX);
    }

    /** Writes {@code name}'s file atomically, creating the directory (0755) if needed. */
    void save(final String name, final String text) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        AtomicFiles.write(fileOf(name), text.getBytes(StandardCharsets.UTF_8));
    }

    /** Deletes {@code name}'s file durably; nothing happens when there is none. */
    void delete(final String name) throws IOException {
        AtomicFiles.delete(fileOf(name));
    }

    /**
     * Reads every {@code *.toml} file in name order into {@code valid}; a file that cannot be read or parsed, or
     * that {@code reader} refuses, goes to {@code errors} instead. {@code reader} may look at {@code valid}: it
     * holds the earlier files' values.
     *
     * @throws IOException when the directory itself cannot be listed (a missing one holds no files)
     */
    <T> void readAll(final TomlMapper toml, final Reader<T> reader, final List<T> valid,
                     final List<ConfigError> errors) throws IOException {
        for (final Path file : files()) {
            try {
                final String text = TomlFiles.read(file);
                final JsonNode tree = TomlFiles.parse(toml, file, text);
                final String fileName = file.getFileName().toString();
                valid.add(reader.read(file, fileName.substring(0, fileName.length() - SUFFIX.length()), text, tree));
            } catch (InvalidFileException e) {
                errors.add(e.error());
            }
        }
    }

    /**
     * What sits in the directory but is never read, sorted: an editor's backup ({@code web.toml~}) or swap file
     * ({@code .web.toml.swp}), a {@code web.conf}, a sub-directory. The operator who edited {@code web.toml~} thinks
     * the router changed; a warning says it did not. Temporaries of {@link AtomicFiles} writes are not listed:
     * they are the daemon's own, in flight or removed at the next start.
     *
     * @throws IOException when the directory exists but cannot be listed
     */
    List<Path> ignoredFiles() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        final List<Path> read = files();
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(f -> !read.contains(f))
                    .filter(f -> !AtomicFiles.isTemporary(f.getFileName().toString())).sorted().toList();
        }
    }

    /** The {@code *.toml} regular files, sorted; dot files (AtomicFiles' leftover temporaries) are not. */
    private List<Path> files() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile).sorted().toList();
        }
    }
}
