package io.vrrpd.daemon.runtime;

/** Per-router counters, written by the loop thread, read by anyone as a snapshot. */
public final class RouterCounters {
    volatile long advertisementsSent;
    volatile long advertisementsReceived;
    volatile long transitions;
    volatile long masterConflicts;
    volatile long announcements;
    volatile long sendErrors;
    volatile long kernelErrors;

    public long advertisementsSent() {
        return advertisementsSent;
    }

    public long advertisementsReceived() {
        return advertisementsReceived;
    }

    public long transitions() {
        return transitions;
    }

    public long masterConflicts() {
        return masterConflicts;
    }

    public long announcements() {
        return announcements;
    }

    public long sendErrors() {
        return sendErrors;
    }

    public long kernelErrors() {
        return kernelErrors;
    }
}
