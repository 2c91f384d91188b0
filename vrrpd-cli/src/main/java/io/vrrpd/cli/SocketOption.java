package io.vrrpd.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --socket PATH}, accepted before and after the subcommand ({@code vrrpadm --socket P show-router}
 * and {@code vrrpadm show-router --socket P}); the value after the subcommand wins, then
 * {@code VRRPD_SOCKET}, then the default.
 */
final class SocketOption {

    static final String ENV = "VRRPD_SOCKET";
    static final String DEFAULT = "/run/vrrpd/vrrpd.sock";

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The daemon's control socket (default: $VRRPD_SOCKET, else " + DEFAULT + ").")
    String path;

    /** The socket to use: this option, else {@code outer}'s, else the environment, else the default. */
    Path resolve(final SocketOption outer, final Map<String, String> env) {
        if (path != null) {
            return Path.of(path);
        }
        if (outer != null && outer.path != null) {
            return Path.of(outer.path);
        }
        final String fromEnv = env.get(ENV);
        return Path.of(fromEnv == null || fromEnv.isBlank() ? DEFAULT : fromEnv);
    }
}
