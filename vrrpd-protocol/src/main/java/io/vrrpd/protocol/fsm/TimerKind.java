package io.vrrpd.protocol.fsm;

/** The two timers of RFC 5798 §6.2; a router has at most one of them armed at a time. */
public enum TimerKind {
    /** Adver_Timer: fires to send an ADVERTISEMENT (Master only). */
    ADVER_TIMER("Adver_Timer"),
    /** Master_Down_Timer: fires when the Master is deemed down (Backup only). */
    MASTER_DOWN_TIMER("Master_Down_Timer");

    private final String rfcName;

    TimerKind(final String rfcName) {
        this.rfcName = rfcName;
    }

    public String rfcName() {
        return rfcName;
    }

    @Override
    public String toString() {
        return rfcName;
    }
}
