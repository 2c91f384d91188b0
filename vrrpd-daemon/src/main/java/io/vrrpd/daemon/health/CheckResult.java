package io.vrrpd.daemon.health;

/**
 * The outcome of one run of a check: healthy or not, and one line saying why, in an operator's words
 * ({@code connection refused}, {@code status 503}, {@code exit 1: replica lag 30 s}, {@code is failed},
 * {@code timed out after 500 ms}). The reason is what follows the dependency's name in {@code show-router}:
 * {@code tcp:127.0.0.1:80: connection refused}; a reason starting with {@code is } follows it after a space
 * ({@code systemd:nginx.service is failed}).
 *
 * @param ok     the check passed
 * @param reason one line, at most {@value #MAX_REASON} characters (longer text is cut, line breaks become spaces)
 */
public record CheckResult(boolean ok, String reason) {
    static final int MAX_REASON = 200;

    public CheckResult {
        reason = oneLine(reason, ok ? "ok" : "failed");
    }

    public static CheckResult healthy(final String reason) {
        return new CheckResult(true, reason);
    }

    public static CheckResult failing(final String reason) {
        return new CheckResult(false, reason);
    }

    /** The failure of a check that ran out of time: the same words whichever part noticed it. */
    public static CheckResult timedOut(final long timeoutMillis) {
        return failing(timedOutReason(timeoutMillis));
    }

    static String timedOutReason(final long timeoutMillis) {
        return "timed out after " + timeoutMillis + " ms";
    }

    /** Folds white space (line breaks included) to single spaces and cuts the text to {@value #MAX_REASON}. */
    static String oneLine(final String text, final String fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        final String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON - 1) + "…";
    }

    /** An exception as a reason: its message with the first letter in lower case, or its class name. */
    static String reasonOf(final Throwable t) {
        final String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        final String line = oneLine(message, "");
        return line.length() > 1 && Character.isUpperCase(line.charAt(0)) && Character.isLowerCase(line.charAt(1))
                ? Character.toLowerCase(line.charAt(0)) + line.substring(1) : line;
    }
}
