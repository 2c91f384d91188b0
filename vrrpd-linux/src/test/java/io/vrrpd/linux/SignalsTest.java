package io.vrrpd.linux;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalsTest {

    /** SIGWINCH: the JVM does not use it and its default action is to ignore it: changing it here is harmless. */
    private static final int SIGWINCH = 28;

    @Test
    void anIgnoredSignalIsPutBackToItsDefaultAndAnUnignoredOneIsLeftAlone() throws Exception {
        Signals.ignore(SIGWINCH); // as nohup does with SIGHUP
        assertTrue(Signals.ignored(SIGWINCH));
        assertTrue(Signals.unignore(SIGWINCH), "it was ignored");
        assertFalse(Signals.ignored(SIGWINCH));
        assertFalse(Signals.unignore(SIGWINCH), "a second call finds nothing to do");
        assertFalse(Signals.ignored(Signals.SIGTERM), "the JVM's own handler is not 'ignored'");
    }
}
