package io.vrrpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Per-thread scheduling knobs for the router loop.
 *
 * <p>Timer slack: Linux may delay a thread's timed sleep (futex, poll, nanosleep) by up to its timer slack,
 * 50 µs by default, to batch wake-ups. The JVM's {@code LockSupport.parkNanos} is a timed futex wait, so the
 * slack adds to every VRRP timer's lateness. A router loop wakes a few times per second per router: giving
 * its one thread a slack of 1 µs costs nothing measurable and takes that term out of Skew_Time and
 * Master_Down_Interval accuracy.
 */
public final class ThreadTuning {
    private static final int PR_SET_TIMERSLACK = 29;
    private static final int PR_GET_TIMERSLACK = 30;

    // int prctl(int option, ...): variadic after the first argument; unsigned long in each slot.
    private static final class Prctl {
        static final MethodHandle HANDLE = Native.variadic("prctl",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_LONG, Native.C_LONG, Native.C_LONG,
                        Native.C_LONG), 1);

        private Prctl() {
        }
    }

    private static final int SCHED_RR = 2;
    // int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param); pid 0: the calling thread
    private static final class SchedSetscheduler {
        static final MethodHandle HANDLE = Native.fallible("sched_setscheduler",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_INT, Native.C_POINTER));

        private SchedSetscheduler() {
        }
    }
    // int sched_getscheduler(pid_t pid)
    private static final class SchedGetscheduler {
        static final MethodHandle HANDLE = Native.fallible("sched_getscheduler",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT));

        private SchedGetscheduler() {
        }
    }

    private static final int PRIO_PROCESS = 0;
    // int setpriority(int which, id_t who, int prio); PRIO_PROCESS with a thread id: that thread's nice value
    private static final class Setpriority {
        static final MethodHandle HANDLE = Native.fallible("setpriority",
                FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_INT, Native.C_INT));

        private Setpriority() {
        }
    }

    private ThreadTuning() {
    }

    /**
     * Sets thread {@code tid}'s nice value (-20 to 19; Linux keeps one per thread): the daemon puts its JIT compiler
     * threads back to 0 once its control socket is up (the launcher starts them at 19; issue 12).
     *
     * @throws ErrnoException EACCES lowering it without CAP_SYS_NICE, ESRCH for a thread that ended
     */
    public static void setNice(final int tid, final int nice) throws ErrnoException {
        if (nice < -20 || nice > 19) {
            throw new IllegalArgumentException("nice value " + nice + " is out of range (allowed: -20 to 19)");
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final int rc = (int) Setpriority.HANDLE.invokeExact(capture, PRIO_PROCESS, tid, nice);
            if (rc == -1) {
                throw Native.failure("setpriority(thread " + tid + ", " + nice + ")", capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("setpriority", t);
        }
    }

    /**
     * Puts the calling thread in the SCHED_RR real-time class at {@code priority} (1–99), as keepalived's
     * {@code vrrp_rt_priority} does: a host whose CPUs are busy (a backup job, a compile) must still send
     * advertisements and fire Master_Down_Timer on time, or it causes the failover it exists to prevent. The
     * threads it is used for block between events, so they cannot starve the host.
     *
     * @throws ErrnoException EPERM without CAP_SYS_NICE (or with an RLIMIT_RTPRIO below {@code priority})
     */
    public static void setRealtimePriority(final int priority) throws ErrnoException {
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("real-time priority " + priority + " is out of range (allowed: 1-99)");
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final MemorySegment param = arena.allocate(Native.C_INT); // struct sched_param { int sched_priority; }
            param.set(Native.C_INT, 0, priority);
            final int rc = (int) SchedSetscheduler.HANDLE.invokeExact(capture, 0, SCHED_RR, param);
            if (rc == -1) {
                throw Native.failure("sched_setscheduler(SCHED_RR, " + priority + ")", capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("sched_setscheduler", t);
        }
    }

    /** True when the calling thread runs in the SCHED_RR class. */
    public static boolean isRealtime() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final int rc = (int) SchedGetscheduler.HANDLE.invokeExact(capture, 0);
            if (rc == -1) {
                throw Native.failure("sched_getscheduler", capture);
            }
            return rc == SCHED_RR;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("sched_getscheduler", t);
        }
    }

    /** Sets the calling thread's timer slack (nanoseconds, at least 1). */
    public static void setTimerSlackNanos(final long nanos) throws ErrnoException {
        if (nanos < 1) {
            throw new IllegalArgumentException("timer slack must be at least 1 ns (0 would mean 'the default')");
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final int rc = (int) Prctl.HANDLE.invokeExact(capture, PR_SET_TIMERSLACK, nanos, 0L, 0L, 0L);
            if (rc == -1) {
                throw Native.failure("prctl(PR_SET_TIMERSLACK)", capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("prctl", t);
        }
    }

    /** The calling thread's timer slack in nanoseconds. */
    public static long timerSlackNanos() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment capture = Native.captureSegment(arena);
            final int rc = (int) Prctl.HANDLE.invokeExact(capture, PR_GET_TIMERSLACK, 0L, 0L, 0L, 0L);
            if (rc == -1) {
                throw Native.failure("prctl(PR_GET_TIMERSLACK)", capture);
            }
            return Integer.toUnsignedLong(rc);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.bug("prctl", t);
        }
    }
}
