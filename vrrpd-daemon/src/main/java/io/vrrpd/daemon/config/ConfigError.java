package io.vrrpd.daemon.config;

import java.nio.file.Path;

/**
 * One problem in one configuration file, printed as {@code FILE:LINE: message} (the form compilers use, so
 * editors can jump to it).
 *
 * @param file    the file
 * @param line    1-based line of the problem (1 when no line can be named)
 * @param message one line naming the key and the allowed values
 */
public record ConfigError(Path file, int line, String message) {

    /**
     * Messages quote what the file says, and a TOML string may hold a newline or another control character
     * ({@code name = "h1\nh2: ..."}): escaped here, so an error stays one line of the log and cannot forge a
     * second one (a ConfigFilesFuzzTest seed showed it).
     */
    public ConfigError {
        message = oneLine(message);
    }

    static String oneLine(final String text) {
        if (text == null) {
            return "invalid";
        }
        final StringBuilder line = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
