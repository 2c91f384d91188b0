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

    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
