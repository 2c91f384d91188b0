package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code vrrpadm} command: Solaris-style subcommands that talk to vrrpd over its control socket
 * (DESIGN.md §2). Syntax is checked here, before anything is sent; the daemon validates every request
 * itself. Any failure ends with exactly one line on stderr and a non-zero status.
 */
@Command(name = "vrrpadm", mixinStandardHelpOptions = true, versionProvider = VrrpadmMain.Version.class,
        subcommands = {CreateRouterCommand.class, RouterVerbCommands.Delete.class, RouterVerbCommands.Enable.class,
                RouterVerbCommands.Disable.class, ModifyRouterCommand.class, RouterVerbCommands.Clear.class,
                ShowRouterCommand.class, CreateServiceCommand.class, ServiceVerbCommands.Delete.class,
                ServiceVerbCommands.Activate.class, ServiceVerbCommands.Deactivate.class,
                ServiceVerbCommands.Start.class, ServiceVerbCommands.Stop.class, ServiceVerbCommands.Restart.class,
                ServiceVerbCommands.Reload.class, ServiceVerbCommands.Update.class, ServiceVerbCommands.Check.class,
                ServiceVerbCommands.Clear.class, ShowServiceCommand.class, ShowClusterCommand.class,
                ImportKeepalivedCommand.class, DoctorCommand.class, SetLogLevelCommand.class},
        description = {"Administer vrrpd's virtual routers and service clusters. 'vrrpadm SUBCOMMAND --help'"
                + " describes each."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:success",
                "1:vrrpd refused the request or could not carry it out (service verbs: or it failed on a host)",
                "2:wrong command line (nothing was sent)",
                "3:vrrpd could not be reached, or its answer could not be read"})
public final class VrrpadmMain implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * Service verbs that change something wait for the cluster: a majority to commit (5 s at most), then primitives
     * on the hosts (the daemon gives up after 120 s and says where it stands). Longer, so the daemon's answer wins.
     */
    private static final Duration SERVICE_TIMEOUT = Duration.ofSeconds(150);

    @Mixin
    private SocketOption socket;

    private Map<String, String> env = Map.of();
    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() {
        throw CliException.usage("a subcommand is required (see: vrrpadm --help)");
    }

    /** Sends one request to the socket chosen by {@code inner}, this command's option or the environment. */
    JsonNode call(final SocketOption inner, final String verb, final ObjectNode args) {
        final boolean waitsForTheCluster = verb.endsWith("-service") && !verb.equals("show-service");
        return new ControlClient(inner.resolve(socket, env), waitsForTheCluster ? SERVICE_TIMEOUT : TIMEOUT)
                .call(verb, args);
    }

    void print(final String text) {
        out.print(text);
        out.flush();
    }

    void error(final String line) {
        err.println(line);
        err.flush();
    }

    SocketOption socketOption() {
        return socket;
    }

    Map<String, String> env() {
        return env;
    }

    int runNested(final String[] args, final PrintWriter nestedErr) {
        return run(args, out, nestedErr, env);
    }

    /** Runs vrrpadm; returns the exit status. */
    public static int run(final String[] args, final PrintWriter out, final PrintWriter err,
                          final Map<String, String> env) {
        final VrrpadmMain main = new VrrpadmMain();
        main.env = Map.copyOf(env);
        main.out = out;
        main.err = err;
        final CommandLine commandLine = new CommandLine(main).setOut(out).setErr(err);
        commandLine.setParameterExceptionHandler((e, ignored) -> fail(err, UsageMessages.of(e), CliException.USAGE));
        commandLine.setExecutionExceptionHandler((e, ignored, parsed) -> e instanceof CliException cli
                ? fail(err, cli.getMessage(), cli.exitCode())
                : fail(err, "internal error: " + e, CliException.REFUSED));
        return commandLine.execute(args);
    }

    private static int fail(final PrintWriter err, final String message, final int status) {
        err.println("vrrpadm: " + message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
        err.flush();
        return status;
    }

    public static void main(final String[] args) {
        final PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        final PrintWriter err = new PrintWriter(System.err, false, StandardCharsets.UTF_8);
        final int status = run(args, out, err, System.getenv());
        out.flush();
        System.exit(status);
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
