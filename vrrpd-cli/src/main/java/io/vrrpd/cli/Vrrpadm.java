package io.vrrpd.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * vrrpadm's entry point (bin/vrrpadm, the package's /usr/sbin/vrrpadm): {@link QuickShowRouter} first, else {@link
 * VrrpadmMain}. A class of its own because the launcher looks the main method up among all of its class's methods,
 * which loads every type in their signatures: with {@code main} in VrrpadmMain that was picocli's
 * {@code CommandLine} (and the twenty-three subcommand classes of its static set-up) on every run, show-router's
 * included (issue 13). Nothing here names a picocli or Jackson type.
 */
public final class Vrrpadm {

    private Vrrpadm() {
    }

    public static void main(final String[] args) {
        ControlSocket.skipSelectorProviderSearch();
        final PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        final PrintWriter err = new PrintWriter(System.err, false, StandardCharsets.UTF_8);
        final Map<String, String> env = System.getenv();
        int status = QuickShowRouter.run(args, out, err, env);
        if (status == QuickShowRouter.NOT_MINE) {
            status = VrrpadmMain.run(args, out, err, env);
        }
        out.flush();
        err.flush();
        // halt, not exit: everything is written, no shutdown hook has work, and System.exit looks up a System.Logger
        // to log the exit (JDK 17+) — a service-loader scan of the class path, ~10 % of a show-router's CPU.
        Runtime.getRuntime().halt(status);
    }
}
