package io.vrrpd.linux;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SystemClockTest {

    @Test
    @DisplayName("adjtimex reads the clock's state: a clock state 0-5, and status's STA_UNSYNC agrees with it (the"
            + " kernel returns TIME_ERROR whenever STA_UNSYNC or STA_CLOCKERR is set): the struct layout is right")
    void shouldReadTheClockState() throws ErrnoException {
        final SystemClock.State state = SystemClock.read();
        assertTrue(state.returnValue() >= 0 && state.returnValue() <= SystemClock.TIME_ERROR, state.toString());
        final int clockErrors = SystemClock.STA_UNSYNC | 0x1000; // STA_CLOCKERR
        assertEquals((state.status() & clockErrors) != 0, state.returnValue() == SystemClock.TIME_ERROR,
                state.toString());
        assertEquals(state.returnValue() != SystemClock.TIME_ERROR, state.synchronizedClock());
        assertEquals(state, SystemClock.read());
    }

    @Test
    @DisplayName("an unsynchronized state (TIME_ERROR, STA_UNSYNC) is not synchronized; a clean one is")
    void shouldJudgeTheState() {
        assertEquals(false, new SystemClock.State(SystemClock.TIME_ERROR, SystemClock.STA_UNSYNC).synchronizedClock());
        assertEquals(true, new SystemClock.State(0, 0x2001).synchronizedClock());
    }
}
