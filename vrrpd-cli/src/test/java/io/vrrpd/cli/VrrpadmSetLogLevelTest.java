package io.vrrpd.cli;

import io.vrrpd.daemon.config.LogLevel;
import io.vrrpd.daemon.control.ControlServer;
import io.vrrpd.daemon.control.LogControl;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** issue 13: {@code vrrpadm set-log-level} against the daemon's real {@link LogControl} over the control socket. */
class VrrpadmSetLogLevelTest {

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private Run vrrpadm(final Path socket, final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = VrrpadmMain.run(args, new PrintWriter(out), new PrintWriter(err),
                Map.of("VRRPD_SOCKET", socket.toString()));
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    @DisplayName("shows the level, sets it and says the one before; a wrong level is refused by vrrpadm (exit 2)"
            + " and by the daemon (exit 1)")
    void shouldSetAndShowTheLevel() throws IOException {
        final AtomicReference<LogLevel> level = new AtomicReference<>(LogLevel.INFO);
        try (ControlServer server = ControlServer.start(dir.resolve("s.sock"),
                new LogControl(level::getAndSet, level::get))) {
            assertEquals(new Run(0, "log level: info\n", ""), vrrpadm(server.path(), "set-log-level"));
            assertEquals(new Run(0, "log level: debug (was info)\n", ""), vrrpadm(server.path(), "set-log-level",
                    "debug"));
            assertEquals(LogLevel.DEBUG, level.get());
            assertEquals(new Run(2, "", "vrrpadm: LEVEL: 'verbose' is not a log level (allowed: error, warning, info,"
                    + " debug)\n"), vrrpadm(server.path(), "set-log-level", "verbose"));
            final LogControl control = new LogControl(level::getAndSet, level::get);
            assertEquals("level: 'verbose' is not a log level (allowed: error, warning, info, debug)",
                    org.junit.jupiter.api.Assertions.assertThrows(io.vrrpd.daemon.control.ControlException.class,
                            () -> control.handle("set-log-level", new com.fasterxml.jackson.databind.ObjectMapper()
                                    .readTree("{\"level\":\"verbose\"}"))).getMessage());
            assertEquals(LogLevel.DEBUG, level.get(), "a refused level changes nothing");
        }
    }
}
