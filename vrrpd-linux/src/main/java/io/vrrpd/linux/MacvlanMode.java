package io.vrrpd.linux;

/** linux/if_link.h {@code enum macvlan_mode}: how macvlans on one parent link reach each other. */
public enum MacvlanMode {
    /** No traffic between macvlans of one parent, even if the switch hairpins it. */
    PRIVATE(1),
    /** Everything to the switch (802.1Qbg). */
    VEPA(2),
    /** Macvlans of one parent reach each other directly. */
    BRIDGE(4),
    PASSTHRU(8),
    SOURCE(16);

    private final int value;

    MacvlanMode(final int value) {
        this.value = value;
    }

    /** The IFLA_MACVLAN_MODE value. */
    public int value() {
        return value;
    }

    static MacvlanMode of(final int value) {
        for (final MacvlanMode mode : values()) {
            if (mode.value == value) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown macvlan mode " + value);
    }
}
