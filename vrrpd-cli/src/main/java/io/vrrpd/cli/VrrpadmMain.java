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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code vrrpadm} command: Solaris-style subcommands that talk to vrrpd over its control socket
 * (DESIGN.md §2). Syntax is checked here, before anything is sent; the daemon validates every request
 * itself. Any failure ends with exactly one line on stderr and a non-zero status.
 */
@Command(name = "vrrpadm", mixinStandardHelpOptions = true, versionProvider = VrrpadmMain.Version.class,
        description = {"Administer vrrpd's virtual routers and service clusters. 'vrrpadm SUBCOMMAND --help'"
                + " describes each."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:success",
                "1:vrrpd refused the request or could not carry it out (service verbs: or it failed on a host)",
                "2:wrong command line (nothing was sent)",
                "3:vrrpd could not be reached, or its answer could not be read"})
public final class VrrpadmMain implements Callable<Integer> {

    /**
     * The subcommands by name, in the order of {@code vrrpadm --help}. Registered in code, not in the annotation, so
     * a one-shot command builds picocli's model (reflection over every option of the class) of its own subcommand
     * only: building all twenty was a large part of a {@code vrrpadm show-router}'s start (issue 13). The names are
     * the classes' own {@code @Command(name)}s (VrrpadmMainTest checks they agree).
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands(
            CreateRouterCommand.class, "create-router", RouterVerbCommands.Delete.class, "delete-router",
            RouterVerbCommands.Enable.class, "enable-router", RouterVerbCommands.Disable.class, "disable-router",
            ModifyRouterCommand.class, "modify-router", RouterVerbCommands.Clear.class, "clear-router",
            ShowRouterCommand.class, "show-router", CreateServiceCommand.class, "create-service",
            ServiceVerbCommands.Delete.class, "delete-service", ServiceVerbCommands.Activate.class, "activate-service",
            ServiceVerbCommands.Deactivate.class, "deactivate-service", ServiceVerbCommands.Start.class,
            "start-service", ServiceVerbCommands.Stop.class, "stop-service", ServiceVerbCommands.Restart.class,
            "restart-service", ServiceVerbCommands.Reload.class, "reload-service", ServiceVerbCommands.Update.class,
            "update-service", ServiceVerbCommands.Check.class, "check-service", ServiceVerbCommands.Clear.class,
            "clear-service", ShowServiceCommand.class, "show-service", ShowClusterCommand.class, "show-cluster",
            ImportKeepalivedCommand.class, "import-keepalived", DoctorCommand.class, "doctor", SetLogLevelCommand.class,
            "set-log-level");

    private static final Duration TIMEOUT = ControlSocket.TIMEOUT;
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
        // The common show-router command lines without picocli or Jackson's databind (issue 13); anything else as
        // before.
        final int quick = QuickShowRouter.run(args, out, err, env);
        if (quick != QuickShowRouter.NOT_MINE) {
            return quick;
        }
        final VrrpadmMain main = new VrrpadmMain();
        main.env = Map.copyOf(env);
        main.out = out;
        main.err = err;
        final CommandLine commandLine = commandLine(main, args).setOut(out).setErr(err);
        commandLine.setParameterExceptionHandler((e, ignored) -> fail(err, UsageMessages.of(e), CliException.USAGE));
        commandLine.setExecutionExceptionHandler((e, ignored, parsed) -> e instanceof CliException cli
                ? fail(err, cli.getMessage(), cli.exitCode())
                : fail(err, "internal error: " + e, CliException.REFUSED));
        return commandLine.execute(args);
    }

    /**
     * vrrpadm's whole picocli model, every subcommand in it: what the Debian package's man pages and bash completion
     * are generated from (packaging/VrrpadmDocs.java), so they cannot drift from the options.
     */
    public static CommandLine fullCommandLine() {
        return commandLine(new VrrpadmMain(), new String[0]);
    }

    /**
     * vrrpadm's picocli model for {@code args}: with only the subcommand they name when they name one (the first
     * word after the top-level {@code --socket PATH}), else with every subcommand — {@code --help}, {@code
     * --version}, no subcommand, a mistyped one: picocli then lists them or suggests the nearest, as before.
     * Options and messages of the subcommand are its own either way.
     */
    static CommandLine commandLine(final VrrpadmMain main, final String[] args) {
        final CommandLine commandLine = new CommandLine(main);
        final String named = subcommandNamed(args);
        for (final Map.Entry<String, Class<?>> subcommand : SUBCOMMANDS.entrySet()) {
            if (named == null || named.equals(subcommand.getKey())) {
                commandLine.addSubcommand(subcommand.getKey(), subcommand.getValue());
            }
        }
        return commandLine;
    }

    /** The subcommand {@code args} name, if one of vrrpadm's; null for anything else at the top level. */
    private static String subcommandNamed(final String[] args) {
        for (int i = 0; i < args.length; i++) {
            final String arg = args[i];
            if (arg.equals("--socket")) {
                i++;
            } else if (!arg.startsWith("--socket=")) {
                return SUBCOMMANDS.containsKey(arg) ? arg : null;
            }
        }
        return null;
    }

    private static Map<String, Class<?>> subcommands(final Object... classesAndNames) {
        final Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < classesAndNames.length; i += 2) {
            byName.put((String) classesAndNames[i + 1], (Class<?>) classesAndNames[i]);
        }
        return Collections.unmodifiableMap(byName);
    }

    private static int fail(final PrintWriter err, final String message, final int status) {
        return CliException.report(err, message, status);
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
