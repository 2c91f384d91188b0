package io.vrrpd.cluster.engine;

import io.vrrpd.cluster.ServiceState;

/**
 * One service on one node, as that node reports it to every other (the truth placement decides on).
 *
 * @param activated        whether the activate primitive ran here (and deactivate has not since)
 * @param state            started, stopped, failed, starting or stopping here
 * @param lastCheckMillis  wall-clock time of the last check (epoch ms), 0 if never
 * @param lastCheckResult  fine, failing, failed, error or timeout; "" if never
 * @param lastAction       the last primitive run here (its action name), "" if none
 * @param lastActionMillis when it finished (epoch ms), 0 if none
 * @param result           its result, one line
 * @param statusText       the last status text, "" if none: the status primitive's whole output, at most
 *                         {@link #MAX_STATUS_TEXT} characters (a longer one is cut, and says so on its last line)
 * @param failures         how often it failed here since the operator last cleared it (Pacemaker's fail-count:
 *                         placement prefers hosts with fewer)
 * @param blocked          a stop failed or timed out here (state {@code failed}): the copy may still run, so this
 *                         node holds the service until it is fenced or an operator clears it (Pacemaker's
 *                         {@code on-fail=block}); nothing starts elsewhere meanwhile
 */
public record LocalStatus(boolean activated, ServiceState state, long lastCheckMillis, String lastCheckResult, String lastAction,
                          long lastActionMillis, String result, String statusText,
                          int failures, boolean blocked) {

    /**
     * The most of a status text a node carries (in every report, to every member): a page of text for the operator
     * ({@code show-service --status}, the dashboard), not a log.
     */
    public static final int MAX_STATUS_TEXT = 16 * 1024;

    /** {@code output} stripped and, when longer than {@link #MAX_STATUS_TEXT}, cut with a last line saying so. */
    public static String boundedStatusText(final String output) {
        final String text = output.strip();
        if (text.length() <= MAX_STATUS_TEXT) {
            return text;
        }
        final String mark = "\n[cut: the status text has " + text.length() + " characters, " + MAX_STATUS_TEXT
                + " are kept]";
        return text.substring(0, MAX_STATUS_TEXT - mark.length()) + mark;
    }

    /** A service this node has not touched yet. */
    public static final LocalStatus STOPPED = new LocalStatus(false, ServiceState.STOPPED, 0, "", "", 0, "", "", 0,
            false);

    /**
     * Whether a copy may be running here: started, on its way in or out, or blocked after a stop that failed (a
     * stop that failed is never taken for a stop that worked).
     */
    public boolean holds() {
        return blocked || state == ServiceState.STARTED || state == ServiceState.STARTING
                || state == ServiceState.STOPPING;
    }

    public LocalStatus withState(final ServiceState newState) {
        return new LocalStatus(activated, newState, lastCheckMillis, lastCheckResult, lastAction, lastActionMillis, result,
                statusText, failures, blocked);
    }

    public LocalStatus withActivated(final boolean isActivated) {
        return new LocalStatus(isActivated, state, lastCheckMillis, lastCheckResult, lastAction, lastActionMillis,
                result, statusText, failures, blocked);
    }

    /** After a primitive finished at {@code millis} with {@code detail}. */
    public LocalStatus withAction(final String action, final long millis, final String detail) {
        return new LocalStatus(activated, state, lastCheckMillis, lastCheckResult, action, millis, detail, statusText, failures, blocked);
    }

    /** After a check finished at {@code millis}. */
    public LocalStatus withCheck(final long millis, final String checkResult) {
        return new LocalStatus(activated, state, millis, checkResult, lastAction, lastActionMillis, result,
                statusText, failures, blocked);
    }

    /** One more failure (marked failed), or none after the operator cleared them. */
    public LocalStatus withFailures(final int count) {
        return new LocalStatus(activated, state, lastCheckMillis, lastCheckResult, lastAction, lastActionMillis,
                result, statusText, count, blocked);
    }

    public LocalStatus withStatusText(final String text) {
        return new LocalStatus(activated, state, lastCheckMillis, lastCheckResult, lastAction, lastActionMillis,
                result, text, failures, blocked);
    }

    /** Blocked after a failed stop, or no longer (a stop that worked, the operator's clear, a fence). */
    public LocalStatus withBlocked(final boolean isBlocked) {
        return new LocalStatus(activated, state, lastCheckMillis, lastCheckResult, lastAction, lastActionMillis,
                result, statusText, failures, isBlocked);
    }
}
