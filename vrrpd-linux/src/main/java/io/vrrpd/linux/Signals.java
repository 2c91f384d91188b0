package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Signal dispositions a process inherits. A signal its starter ignored ({@code nohup} ignores SIGHUP; a
 * non-interactive shell ignores SIGINT for {@code &} jobs) stays ignored across exec, and the JVM then quietly
 * declines to install a handler for it: {@code sun.misc.Signal.handle} returns without error and the signal never
 * arrives. vrrpd reloads on SIGHUP, so it puts such signals back to their default before it installs its handlers.
 */
public final class Signals {
    public static final int SIGHUP = 1;
    public static final int SIGUSR1 = 10;
    public static final int SIGINT = 2;
    public static final int SIGTERM = 15;

    /** glibc's SIG_IGN, as the handler field of struct sigaction holds it. */
    private static final long SIG_IGN = 1;
    /** Larger than struct sigaction on every Linux ABI (152 bytes on x86_64); the handler is its first field. */
    private static final long SIGACTION_BYTES = 256;

    // int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact)
    private static final class Sigaction {
        static final MethodHandle HANDLE = Native.fallible("sigaction",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_POINTER, Native.C_POINTER));

        private Sigaction() {
        }
    }
    // sighandler_t signal(int signum, sighandler_t handler)
    private static final class Signal {
        static final MethodHandle HANDLE = Native.fallible("signal",
                FunctionDescriptor.of(Native.C_POINTER, Native.C_INT, Native.C_POINTER));

        private Signal() {
        }
    }

    private Signals() {
    }

    /** Whether {@code signal} is ignored (SIG_IGN) in this process now. */
    public static boolean ignored(final int signal) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final MemorySegment old = arena.allocate(SIGACTION_BYTES, 8);
            final int rc = (int) Sigaction.HANDLE.invokeExact(capture, signal, MemorySegment.NULL, old);
            if (rc == -1) {
                throw Native.failure("sigaction(" + signal + ")", capture);
            }
            return old.get(ValueLayout.JAVA_LONG, 0) == SIG_IGN;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("sigaction", t);
        }
    }

    /**
     * Puts {@code signal} back to its default disposition if it is ignored; leaves any other disposition (the JVM's
     * own handler) alone. Returns whether it was ignored.
     */
    public static boolean unignore(final int signal) throws ErrnoException {
        if (!ignored(signal)) {
            return false;
        }
        setDisposition(signal, MemorySegment.NULL); // SIG_DFL
        return true;
    }

    /** Sets the disposition to SIG_IGN (for tests: what nohup does). */
    static void ignore(final int signal) throws ErrnoException {
        setDisposition(signal, MemorySegment.ofAddress(SIG_IGN));
    }

    private static void setDisposition(final int signal, final MemorySegment handler) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final MemorySegment previous = (MemorySegment) Signal.HANDLE.invokeExact(capture, signal, handler);
            if (previous.address() == -1L) { // SIG_ERR
                throw Native.failure("signal(" + signal + ")", capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("signal", t);
        }
    }
}
