package io.vrrpd.daemon.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that a crash at any moment leaves either the old or the new content, never a mix
 * (DESIGN.md §2): write a temporary file in the same directory, force it to disk, rename it over the target
 * (atomic within one file system), then force the directory so the rename itself survives a power cut.
 */
public final class AtomicFiles {

    /** Runs between the write and the rename; tests use it to simulate a crash there. */
    @FunctionalInterface
    interface BeforeRename {
        void run(Path temporary) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code content}. */
    public static void write(final Path target, final byte[] content) throws IOException {
        write(target, content, temporary -> { });
    }

    static void write(final Path target, final byte[] content, final BeforeRename hook) throws IOException {
        final Path directory = target.toAbsolutePath().getParent();
        // A leading dot and no ".toml" suffix: loading never mistakes a leftover for a router file.
        final Path temporary = directory.resolve("." + target.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                final ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            hook.run(temporary);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        syncDirectory(directory);
    }

    /**
     * Deletes the temporaries that writes interrupted by a crash left in {@code directory} ({@code .NAME.tmp-HEX}):
     * loading never reads them, but without this they pile up, one per crash during a write (the SIGKILL soak left
     * 14 after 160 kills). Only for the daemon at start, holding its namespace lock: a write of its own in flight
     * would lose its temporary. A missing directory has none.
     *
     * @return how many were removed
     */
    public static int removeInterruptedWrites(final Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            for (final Path file : files.filter(f -> TEMPORARY.matcher(f.getFileName().toString()).matches()
                    && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                Files.deleteIfExists(file);
                removed++;
            }
        }
        if (removed > 0) {
            syncDirectory(directory);
        }
        return removed;
    }

    /** The name {@link #write} gives a temporary: a dot, the target's name, {@code .tmp-} and a hex number. */
    /** True for the name of a write's temporary ({@code .NAME.tmp-HEX}): in flight, or left by a crash. */
    static boolean isTemporary(final String fileName) {
        return TEMPORARY.matcher(fileName).matches();
    }

    private static final java.util.regex.Pattern TEMPORARY = java.util.regex.Pattern.compile("\\..+\\.tmp-[0-9a-f]+");

    /** Deletes {@code target} (if present) and makes the deletion durable. */
    public static void delete(final Path target) throws IOException {
        if (Files.deleteIfExists(target)) {
            syncDirectory(target.toAbsolutePath().getParent());
        }
    }

    /** fsync(2) on the directory, so a rename or unlink in it is on disk. */
    static void syncDirectory(final Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (AccessDeniedException e) {
            // Some file systems refuse to open a directory for reading; they offer no directory fsync anyway.
        }
    }
}
