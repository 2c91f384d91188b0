package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs code inside a named network namespace (the {@code /run/netns/NAME} files {@code ip netns add}
 * creates), without running any command.
 *
 * <p>Kernel facts relied on (setns(2)): {@code setns(fd, CLONE_NEWNET)} moves only the calling
 * <em>thread</em>, which is why every entry here starts a fresh platform thread and never touches a pooled
 * or virtual thread (a virtual thread's carrier would leak the namespace to unrelated work). A socket
 * belongs to the namespace of the thread that created it, for its whole life, and may then be used from any
 * thread; so may a netlink socket. {@code /proc/sys/net} resolves against the opening thread's namespace,
 * so {@link Sysctl} works from such a thread; {@code /proc/net} does not (it follows the thread-group
 * leader; use {@code /proc/thread-self/net}).
 */
public final class NetNamespace {
    /** sched.h: {@code CLONE_NEWNET}, the nstype argument of setns(2). */
    static final int CLONE_NEWNET = 0x4000_0000;
    /** fcntl.h (asm-generic): {@code O_RDONLY | O_CLOEXEC}. */
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final Path NETNS_DIR = Path.of("/run/netns");

    /** {@code int open(const char *pathname, int flags)} (fcntl.h). */
    private static final class Open {
        static final MethodHandle HANDLE = Native.fallible("open",
                FunctionDescriptor.of(Native.C_INT, Native.C_POINTER, Native.C_INT));

        private Open() {
        }
    }
    /** {@code int setns(int fd, int nstype)} (sched.h). */
    private static final class Setns {
        static final MethodHandle HANDLE = Native.fallible("setns",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_INT));

        private Setns() {
        }
    }
    /** {@code int close(int fd)} (unistd.h). */
    private static final class Close {
        static final MethodHandle HANDLE = Native.fallible("close",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT));

        private Close() {
        }
    }

    private NetNamespace() {
    }

    /** The file of a named namespace; refuses names that would escape {@code /run/netns}. */
    public static Path pathOf(final String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("'" + name + "' is not a network namespace name");
        }
        return NETNS_DIR.resolve(name);
    }

    /**
     * Runs {@code task} on a new platform thread that first enters namespace {@code name}; waits for it.
     *
     * @throws ExecutionException wrapping what the task threw, or the {@link ErrnoException} of entering
     */
    public static <T> T run(final String name, final Callable<T> task)
            throws ExecutionException, InterruptedException {
        final FutureTask<T> future = new FutureTask<>(() -> {
            enterOnThisThread(pathOf(name));
            return task.call();
        });
        final Thread thread = Thread.ofPlatform().name("netns-" + name).daemon(true).start(future);
        thread.join();
        return future.get();
    }

    /**
     * As {@link #run(String, Callable)}, but gives up after {@code timeout}: the thread is interrupted and a
     * {@link TimeoutException} thrown (for tests and start-up probes that must not hang).
     */
    public static <T> T run(final String name, final Duration timeout, final Callable<T> task)
            throws ExecutionException, InterruptedException, TimeoutException {
        final FutureTask<T> future = new FutureTask<>(() -> {
            enterOnThisThread(pathOf(name));
            return task.call();
        });
        final Thread thread = Thread.ofPlatform().name("netns-" + name).daemon(true).start(future);
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new TimeoutException("task in network namespace " + name + " did not finish within " + timeout);
        }
    }

    /**
     * An unstarted platform thread that enters namespace {@code name} and then runs {@code task} (for
     * long-lived loops such as a daemon's receive loop in a per-router namespace). If entering fails the
     * thread ends with an {@link java.io.UncheckedIOException}.
     */
    public static Thread newThread(final String name, final String threadName, final Runnable task) {
        final Path path = pathOf(name);
        return Thread.ofPlatform().name(threadName).unstarted(() -> {
            try {
                enterOnThisThread(path);
            } catch (ErrnoException e) {
                throw new java.io.UncheckedIOException(e);
            }
            task.run();
        });
    }

    /**
     * Moves the calling thread into the namespace of {@code nsFile}. Only for threads this code owns: the
     * move is permanent for the thread.
     */
    static void enterOnThisThread(final Path nsFile) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final MemorySegment path = arena.allocateFrom(nsFile.toString());
            final int fd = (int) Open.HANDLE.invokeExact(capture, path, O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw Native.failure("open(" + nsFile + ")", capture);
            }
            try {
                final int rc = (int) Setns.HANDLE.invokeExact(capture, fd, CLONE_NEWNET);
                if (rc < 0) {
                    throw Native.failure("setns(" + nsFile + ", CLONE_NEWNET)", capture);
                }
            } finally {
                final int ignored = (int) Close.HANDLE.invokeExact(capture, fd);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("setns", t);
        }
    }
}
