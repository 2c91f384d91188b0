package io.vrrpd.protocol;

/**
 * Monotonic time in nanoseconds. The core never reads a clock itself: drivers read one of these and pass
 * {@code now} into {@code RouterStateMachine.step}. The daemon's clock is {@code System::nanoTime} (never the
 * wall clock: a wall-clock jump must not look like a silent Master); tests and the simulator use
 * {@link ManualClock}.
 */
@FunctionalInterface
public interface Clock {
    long nanoTime();
}
