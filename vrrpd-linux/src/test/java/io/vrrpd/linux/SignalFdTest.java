package io.vrrpd.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A blocked signal sent to the process is read from a signalfd, with its sender. */
class SignalFdTest {

    /** SIGURG: unused by the JVM, default action ignore: harmless to this test JVM if anything goes wrong. */
    private static final int SIGURG = 23;
    // int tgkill(pid_t tgid, pid_t tid, int sig); pid_t gettid(void)
    private static final MethodHandle TGKILL = Native.infallible("tgkill",
            FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_INT, Native.C_INT));
    private static final MethodHandle GETTID = Native.infallible("gettid", FunctionDescriptor.of(Native.C_INT));

    @Test
    @Timeout(10)
    void aBlockedSignalIsReadWithItsSender() throws Throwable {
        assertFalse(SignalFd.blocked(SIGURG), "not blocked to begin with");
        SignalFd.blockInThisThread(SIGURG);
        try (SignalFd signals = SignalFd.open(SIGURG)) {
            assertTrue(SignalFd.blocked(SIGURG));
            assertFalse(SignalFd.blocked(SIGURG, Signals.SIGTERM), "every signal asked about must be blocked");
            final int pid = (int) ProcessHandle.current().pid();
            // To this thread, the only one that blocks it: pending there, where its signalfd sees it.
            assertEquals(0, (int) TGKILL.invokeExact(pid, (int) GETTID.invokeExact(), SIGURG));
            assertEquals(new SignalFd.Received(SIGURG, pid), signals.read());
        } finally {
            SignalFd.unblockInThisThread(SIGURG);
        }
        assertFalse(SignalFd.blocked(SIGURG));
    }
}
