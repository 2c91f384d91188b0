package io.vrrpd.daemon.config;

/** One configuration file refused: its {@link ConfigError} ({@code FILE:LINE: message}). */
public final class InvalidFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ConfigError error;

    public InvalidFileException(final ConfigError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public ConfigError error() {
        return error;
    }
}
