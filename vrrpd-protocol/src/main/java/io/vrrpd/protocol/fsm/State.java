package io.vrrpd.protocol.fsm;

/** The protocol states of RFC 5798 §6.4, with the names {@code show-router} prints. */
public enum State {
    /** §6.4.1: waiting for a Startup event; holds no addresses, sends nothing. */
    INITIALIZE("INIT"),
    /** §6.4.2: monitors the Master; takes over when Master_Down_Timer fires. */
    BACKUP("BACKUP"),
    /** §6.4.3: forwards for the virtual addresses and advertises every Advertisement_Interval. */
    MASTER("MASTER");

    private final String display;

    State(final String display) {
        this.display = display;
    }

    /** {@code INIT}, {@code BACKUP} or {@code MASTER}, as show-router's STATE column. */
    public String display() {
        return display;
    }

    @Override
    public String toString() {
        return display;
    }
}
