package io.vrrpd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The {@code vrrpadm} command. The router and service verbs talk to the daemon over its control socket,
 * which arrives with the daemon; until then the command answers {@code --help} and {@code --version}.
 */
@Command(name = "vrrpadm", mixinStandardHelpOptions = true, versionProvider = VrrpadmMain.Version.class,
        description = {
                "Administer vrrpd: virtual routers and services.",
                "",
                "No subcommands in this build yet: they talk to the vrrpd daemon,",
                "which this build cannot run (see README.md)."})
public final class VrrpadmMain implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("vrrpadm: no subcommands in this build yet (the daemon they talk to is not part of it);"
                + " try --help");
        return 1;
    }

    public static void main(final String[] args) {
        System.exit(new CommandLine(new VrrpadmMain()).execute(args));
    }

    /** Reads the version Maven wrote into version.properties at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            final Properties properties = new Properties();
            try (InputStream in = VrrpadmMain.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"vrrpadm " + properties.getProperty("version", "unknown")};
        }
    }
}
