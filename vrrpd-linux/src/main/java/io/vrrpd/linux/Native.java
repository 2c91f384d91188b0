package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * What every binding in this package shares: the linker, libc's symbols, and errno capture.
 *
 * <p>Why capture: errno is thread-local C state that the JVM itself may overwrite between two downcalls
 * (GC, JIT, class loading all call libc). {@link Linker.Option#captureCallState} copies it into a segment
 * the caller owns as part of the very call that set it, so the value read afterwards is that call's.
 *
 * <p>Why each handle sits in a holder class of its own ({@code Sockets.Socket.HANDLE}, …), not in a static field of
 * the class that uses it: linking a downcall spins classes for its descriptor at run time (the AOT cache does not
 * keep them), a few milliseconds each, so a class that linked all its handles in its static initialiser made the
 * first caller pay for every one — vrrpd's start paid ~a third of its main thread's time before the control socket
 * for handles it used only later or never (issue 12, docs/BENCHMARKS.md). A holder is initialised, and its handle
 * linked, on first use; its field is still static final, a constant to the JIT on the hot paths (send, receive).
 */
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();

    /** The layout of the capture segment ({@code errno} plus whatever else the platform captures). */
    static final MemoryLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
    static final ValueLayout C_POINTER = ValueLayout.ADDRESS;

    private Native() {
    }

    /**
     * A downcall handle for a libc function that reports failure through errno. The handle takes the capture
     * segment as its first argument, before the C arguments.
     */
    @SuppressWarnings("restricted") // native access is this package's purpose; enabled by --enable-native-access
    static MethodHandle fallible(final String name, final FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, CAPTURE_ERRNO);
    }

    /**
     * A fallible downcall handle for a variadic libc function ({@code prctl}, {@code ioctl}): the C arguments
     * from index {@code firstVariadic} on are passed as variadic arguments, as the C ABI requires.
     */
    @SuppressWarnings("restricted")
    static MethodHandle variadic(final String name, final FunctionDescriptor descriptor, final int firstVariadic) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor, CAPTURE_ERRNO,
                Linker.Option.firstVariadicArg(firstVariadic));
    }

    /** A downcall handle for a libc function that cannot fail (or whose failure is not reported by errno). */
    @SuppressWarnings("restricted")
    static MethodHandle infallible(final String name, final FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor);
    }

    /** A fresh capture segment in {@code arena}. */
    static MemorySegment captureSegment(final Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** The errno the last call that used {@code capture} left there. */
    static int errno(final MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** The exception for a call that returned -1: operation name, errno from that call, strerror text. */
    static ErrnoException failure(final String operation, final MemorySegment capture) {
        return new ErrnoException(operation, errno(capture));
    }

    /** Wraps what {@code invokeExact} may throw; a native call only throws for our own bugs. */
    static IllegalStateException bug(final String operation, final Throwable t) {
        return new IllegalStateException("native call " + operation + " failed to link or run", t);
    }
}
