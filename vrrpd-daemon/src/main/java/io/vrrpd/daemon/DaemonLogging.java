package io.vrrpd.daemon;

import io.vrrpd.daemon.runtime.Log;
import io.vrrpd.daemon.config.LogLevel;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Routes {@link System.Logger} (the control plane logs through it) into the daemon's one log format
 * ({@link Log}: a line per event on stderr with a journald priority prefix) instead of the JDK's two-line
 * default, so an operator reads one format and journald files each line at the right priority; and makes the
 * log asynchronous ({@link Log#startWriter}).
 */
final class DaemonLogging {
    /** vrrpd's own loggers (JUL holds loggers weakly: this reference keeps the level set on it). */
    private static final Logger OURS = Logger.getLogger("io.vrrpd");

    private DaemonLogging() {
    }

    /**
     * The log level from now on, for {@link Log} and vrrpd's {@link System.Logger}s ({@code debug}: FINE for the
     * {@code io.vrrpd} loggers only; the libraries', JGroups', stay at INFO so debug stays readable).
     *
     * @return the level before
     */
    static LogLevel setLevel(final LogLevel level) {
        OURS.setLevel(switch (level) {
            case ERROR -> Level.SEVERE;
            case WARNING -> Level.WARNING;
            case INFO -> Level.INFO;
            case DEBUG -> Level.FINE;
        });
        return Log.setLevel(level);
    }

    static void install() {
        // The daemon's lines go through a bounded queue and a writer thread from here on: the real-time loop
        // and the receivers must never block on a slow journald pipe (called on main, an ordinary thread). The
        // daemon has started it before the control socket already (a second call does nothing).
        Log.startWriter();
        LogManager.getLogManager().reset();
        final Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        // The root's level above is for libraries; the handler itself lets everything through that a logger passed.
        
        root.addHandler(new Handler() {
            // Only formatMessage (the record's message with its parameters) is used: a bare Formatter, not
            // SimpleFormatter, whose constructor spins a lambda at run time on the start path before the control
            // socket (ZGC: no AOT-linked classes; issue 12).
            private final Formatter formatter = new MessageOnly();

            @Override
            public void publish(final LogRecord record) {
                if (!isLoggable(record)) {
                    return;
                }
                String message = formatter.formatMessage(record);
                if (record.getThrown() != null) {
                    message += ": " + record.getThrown();
                }
                final int level = record.getLevel().intValue();
                if (level >= Level.SEVERE.intValue()) {
                    Log.error(message);
                } else if (level >= Level.WARNING.intValue()) {
                    Log.warn(message);
                } else if (level >= Level.INFO.intValue()) {
                    Log.info(message);
                } else {
                    Log.debug(message);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    /** {@link Formatter#formatMessage} alone: the handler above writes the line itself. */
    private static final class MessageOnly extends Formatter {
        @Override
        public String format(final LogRecord record) {
            return formatMessage(record);
        }
    }
}
