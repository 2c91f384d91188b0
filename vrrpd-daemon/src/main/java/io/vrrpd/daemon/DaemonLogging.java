package io.vrrpd.daemon;

import io.vrrpd.daemon.runtime.Log;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Routes {@link System.Logger} (the control plane logs through it) into the daemon's one log format
 * ({@link Log}: a line per event on stderr with a journald priority prefix) instead of the JDK's two-line
 * default, so an operator reads one format and journald files each line at the right priority; and makes the
 * log asynchronous ({@link Log#startWriter}).
 */
final class DaemonLogging {
    private DaemonLogging() {
    }

    static void install() {
        // The daemon's lines go through a bounded queue and a writer thread from here on: the real-time loop
        // and the receivers must never block on a slow journald pipe (called on main, an ordinary thread).
        Log.startWriter();
        LogManager.getLogManager().reset();
        final Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new Handler() {
            private final Formatter formatter = new SimpleFormatter();

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
                } else {
                    Log.info(message);
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
}
