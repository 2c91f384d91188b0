package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Whether the kernel considers the system clock synchronized (an NTP client disciplines it): {@code adjtimex(2)}
 * with no mode bits only reads the clock's state, and returns {@code TIME_ERROR} while the clock is unsynchronized
 * ({@code STA_UNSYNC}, the kernel's default until an NTP daemon clears it). vrrpd's timers run on the monotonic
 * clock and do not need it; people reading logs of several hosts side by side do.
 */
public final class SystemClock {
    /** The return value of adjtimex for an unsynchronized clock (linux/timex.h). */
    static final int TIME_ERROR = 5;
    /** sizeof(struct timex) on LP64 Linux: 208 bytes (its tail is reserved padding). */
    private static final long TIMEX_SIZE = 208;
    /** offsetof(struct timex, status): after int modes (+ padding) and four longs. */
    static final long STATUS_OFFSET = 40;
    static final int STA_UNSYNC = 0x0040;

    // int adjtimex(struct timex *buf)
    private static final MethodHandle ADJTIMEX = Native.fallible("adjtimex",
            FunctionDescriptor.of(Native.C_INT, Native.C_POINTER));

    private SystemClock() {
    }

    /** The clock's state as adjtimex reads it. */
    public record State(int returnValue, int status) {
        /** True unless the kernel reports the clock unsynchronized. */
        public boolean synchronizedClock() {
            return returnValue != TIME_ERROR && (status & STA_UNSYNC) == 0;
        }
    }

    /** Reads the state (modes 0: nothing is changed, no privilege needed). */
    public static State read() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final MemorySegment timex = arena.allocate(TIMEX_SIZE, 8); // zeroed: modes = 0
            final int rc = (int) ADJTIMEX.invokeExact(capture, timex);
            if (rc == -1) {
                throw Native.failure("adjtimex", capture);
            }
            return new State(rc, timex.get(Native.C_INT, STATUS_OFFSET));
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("adjtimex", t);
        }
    }
}
