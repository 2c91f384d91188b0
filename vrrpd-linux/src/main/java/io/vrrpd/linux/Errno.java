package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * errno values this package reacts to (asm-generic/errno-base.h, asm-generic/errno.h; the same on every
 * Linux architecture we run on) and their text through libc's {@code strerror_r}.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENOBUFS = 105;

    /** GNU {@code char *strerror_r(int errnum, char *buf, size_t buflen)} (glibc's default with _GNU_SOURCE). */
    private static final MethodHandle STRERROR_R = Native.infallible("strerror_r",
            FunctionDescriptor.of(Native.C_POINTER, Native.C_INT, Native.C_POINTER, Native.C_SIZE_T));

    private Errno() {
    }

    /** The C library's message for {@code errno}, e.g. "No such device" for 19. */
    @SuppressWarnings("restricted") // the returned char* has no size; strerror texts are short
    public static String describe(final int errno) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment buf = arena.allocate(256);
            // The GNU variant returns either buf or a pointer to a static string; read whichever it is.
            final MemorySegment text = (MemorySegment) STRERROR_R.invokeExact(errno, buf, buf.byteSize());
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
