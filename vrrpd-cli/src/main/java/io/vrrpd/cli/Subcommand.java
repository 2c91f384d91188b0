package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;

/**
 * What every vrrpadm subcommand has: {@code --socket} and {@code -h/--help} (listed first in its help, so mix it
 * in first), and its way to the daemon and to stdout through {@link VrrpadmMain}.
 */
final class Subcommand {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Mixin
    private SocketOption socket;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** The subcommand's name, e.g. {@code delete-router}: the verb of the verbs that send their name as it is. */
    String name() {
        return command.name();
    }

    /** Sends one request to the daemon of {@code --socket}, vrrpadm's {@code --socket} or the environment. */
    JsonNode call(final String verb, final ObjectNode args) {
        return vrrpadm().call(socket, verb, args);
    }

    /** Sends a show verb (this subcommand's name); its answer is an array of rows, else it is unreadable. */
    List<JsonNode> show(final ObjectNode args) {
        final JsonNode result = call(name(), args);
        if (!result.isArray()) {
            throw new CliException(CliException.UNREACHABLE, "vrrpd sent an unreadable answer to " + name());
        }
        final List<JsonNode> rows = new ArrayList<>();
        result.forEach(rows::add);
        return rows;
    }

    void print(final String text) {
        vrrpadm().print(text);
    }

    /** One line on stderr (a subcommand that goes on after a failure, e.g. import-keepalived). */
    void error(final String line) {
        vrrpadm().error(line);
    }

    /** The control socket this subcommand talks to. */
    java.nio.file.Path socket() {
        return socket.resolve(vrrpadm().socketOption(), vrrpadm().env());
    }

    /** Runs another vrrpadm command line in this process, with this one's environment and stdout. */
    int runNested(final List<String> argv, final java.io.PrintWriter err) {
        return vrrpadm().runNested(argv.toArray(String[]::new), err);
    }

    private VrrpadmMain vrrpadm() {
        return (VrrpadmMain) command.parent().userObject();
    }
}
