package io.vrrpd.daemon;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The {@code vrrpd} command. This build carries the protocol core and the simulator; the Linux data plane
 * and the daemon's event loop come with the next milestone, so the command answers {@code --help} and
 * {@code --version} and says plainly that it cannot run routers yet.
 */
@Command(name = "vrrpd", mixinStandardHelpOptions = true, versionProvider = VrrpdMain.Version.class,
        description = {
                "High availability for Linux hosts: VRRP virtual routers (RFC 5798 v3, RFC 3768 v2),",
                "protected services and service clusters.",
                "",
                "This build contains the protocol core and the simulator (bin/simulate);",
                "the daemon cannot run routers on Linux yet."})
public final class VrrpdMain implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("vrrpd: this build cannot run routers yet: the Linux data plane is not part of it"
                + " (see README.md; bin/simulate runs the protocol on a simulated LAN)");
        return 1;
    }

    public static void main(final String[] args) {
        System.exit(new CommandLine(new VrrpdMain()).execute(args));
    }

    /** Reads the version Maven wrote into version.properties at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            final Properties properties = new Properties();
            try (InputStream in = VrrpdMain.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"vrrpd " + properties.getProperty("version", "unknown")};
        }
    }
}
