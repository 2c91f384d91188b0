package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A signalfd(2): signals read as data by a thread of the daemon's own, instead of run through the JVM's handler.
 *
 * <p>Why: a JVM signal handler is a relay — the JVM's native handler wakes its "Signal Dispatcher" thread, which
 * starts a new thread per signal to run the Java handler — and SIGTERM's priority-0 advertisement waited on that
 * relay (issue 12: 3.25 ms from the signal to the wire, keepalived 1.1 ms). A thread blocked in {@link #read} is
 * woken by the kernel directly.
 *
 * <p>The hard part is the mask: the kernel gives a process-directed signal to any thread that does not block it,
 * so a signalfd only sees it if <em>every</em> thread blocks it. Blocking it from Java cannot work —
 * pthread_sigmask changes the calling thread only, and the JVM's own threads (GC, compiler, VM thread) already run —
 * and a JVM unblocks SIGHUP, SIGINT and SIGTERM in every thread it creates unless started with {@code -Xrs}. So
 * the launcher does it: bin/vrrpd starts the JVM through {@code env --block-signal=HUP,INT,TERM} with {@code -Xrs};
 * every thread inherits the blocked mask and the JVM leaves it alone (checked per thread in /proc/PID/task/*
 * /status: SigBlk 0x4003). The daemon then sees the signals blocked in its own thread ({@link #blocked}) and reads
 * them here; started any other way it sees them unblocked and uses the JVM's handlers as before. Child processes
 * (hooks, checks, services) do not inherit the mask: the JDK resets it when it starts one.
 */
public final class SignalFd implements AutoCloseable {

    /** A signal read: its number and the pid that sent it (0 from the kernel). */
    public record Received(int signal, int senderPid) {
    }

    private static final int SIG_BLOCK = 0;
    private static final int SIG_UNBLOCK = 1;
    private static final int SFD_CLOEXEC = 0x80000;
    private static final int EINTR = 4;
    /** glibc's sigset_t: 1024 bits; signal N is bit N-1 of the first 64-bit word on every Linux ABI glibc has. */
    private static final long SIGSET_BYTES = 128;
    /** struct signalfd_siginfo: 128 bytes; ssi_signo (u32) at 0, ssi_pid (u32) at 12. */
    private static final long SIGINFO_BYTES = 128;
    private static final long SSI_PID = 12;

    // int pthread_sigmask(int how, const sigset_t *set, sigset_t *oldset): returns the error number, not -1.
    private static final class PthreadSigmask {
        static final MethodHandle HANDLE = Native.infallible("pthread_sigmask",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_POINTER, Native.C_POINTER));

        private PthreadSigmask() {
        }
    }
    // int signalfd(int fd, const sigset_t *mask, int flags)
    private static final class Signalfd {
        static final MethodHandle HANDLE = Native.fallible("signalfd",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_POINTER, Native.C_INT));

        private Signalfd() {
        }
    }
    // ssize_t read(int fd, void *buf, size_t count)
    private static final class Read {
        static final MethodHandle HANDLE = Native.fallible("read",
                FunctionDescriptor.of(Native.C_LONG, Native.C_INT, Native.C_POINTER, Native.C_SIZE_T));

        private Read() {
        }
    }

    private final int fd;
    private final String name;

    private SignalFd(final int fd, final String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Whether every one of {@code signals} is blocked in the calling thread. */
    public static boolean blocked(final int... signals) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment current = arena.allocate(SIGSET_BYTES, 8);
            sigmask(SIG_BLOCK, MemorySegment.NULL, current); // SIG_BLOCK with no set: only reads the mask
            final long bits = current.get(ValueLayout.JAVA_LONG, 0);
            for (final int signal : signals) {
                if ((bits & bit(signal)) == 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A signalfd for {@code signals}, which must be blocked in every thread ({@link #blocked} in the caller: the
     * launcher blocked them for the whole process). Signals already pending are read first.
     */
    public static SignalFd open(final int... signals) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final int fd = (int) Signalfd.HANDLE.invokeExact(capture, -1, set(arena, signals), SFD_CLOEXEC);
            if (fd == -1) {
                throw Native.failure("signalfd", capture);
            }
            return new SignalFd(fd, "signalfd " + fd);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("signalfd", t);
        }
    }

    /** Waits for the next signal (retrying an interrupted read). */
    public Received read() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final MemorySegment info = arena.allocate(SIGINFO_BYTES, 8);
            for (int attempt = 0; ; attempt++) {
                final long n = (long) Read.HANDLE.invokeExact(capture, fd, info, SIGINFO_BYTES);
                if (n == SIGINFO_BYTES) {
                    return new Received(info.get(ValueLayout.JAVA_INT, 0), info.get(ValueLayout.JAVA_INT, SSI_PID));
                }
                if (n != -1) { // the kernel hands out whole signalfd_siginfo records
                    throw new IllegalStateException("read " + name + ": " + n + " bytes, not " + SIGINFO_BYTES);
                }
                if (Native.errno(capture) != EINTR || attempt >= 1000) {
                    throw Native.failure("read " + name, capture);
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("read", t);
        }
    }

    @Override
    public void close() {
        Sockets.close(fd);
    }

    /** Blocks {@code signals} in the calling thread only (tests; the daemon's launcher blocks them for all). */
    static void blockInThisThread(final int... signals) {
        try (Arena arena = Arena.ofConfined()) {
            sigmask(SIG_BLOCK, set(arena, signals), MemorySegment.NULL);
        }
    }

    /** Unblocks {@code signals} in the calling thread only (tests). */
    static void unblockInThisThread(final int... signals) {
        try (Arena arena = Arena.ofConfined()) {
            sigmask(SIG_UNBLOCK, set(arena, signals), MemorySegment.NULL);
        }
    }

    private static void sigmask(final int how, final MemorySegment set, final MemorySegment old) {
        final int error;
        try {
            error = (int) PthreadSigmask.HANDLE.invokeExact(how, set, old);
        } catch (Throwable t) {
            throw Native.bug("pthread_sigmask", t);
        }
        if (error != 0) { // only EINVAL (a bad 'how'): our bug
            throw new IllegalStateException("pthread_sigmask(" + how + "): error " + error);
        }
    }

    private static MemorySegment set(final Arena arena, final int... signals) {
        final MemorySegment set = arena.allocate(SIGSET_BYTES, 8); // zeroed: sigemptyset
        long bits = 0;
        for (final int signal : signals) {
            bits |= bit(signal);
        }
        set.set(ValueLayout.JAVA_LONG, 0, bits);
        return set;
    }

    private static long bit(final int signal) {
        if (signal < 1 || signal > 64) {
            throw new IllegalArgumentException("signal " + signal + ": 1-64");
        }
        return 1L << (signal - 1);
    }
}
