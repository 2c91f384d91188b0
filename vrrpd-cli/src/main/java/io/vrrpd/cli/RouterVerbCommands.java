package io.vrrpd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** The verbs that take only a router's name: delete, enable, disable, clear. */
final class RouterVerbCommands {

    private RouterVerbCommands() {
    }

    /** Sends {@code {"verb": VERB, "args": {"name": NAME}}}, VERB being the command's name; prints nothing else. */
    abstract static class NameOnly implements Callable<Integer> {

        @Mixin
        private Subcommand vrrpadm;

        @Parameters(paramLabel = "NAME", description = "The router.")
        private String name;

        @Override
        public Integer call() {
            vrrpadm.call(vrrpadm.name(), args());
            return 0;
        }

        ObjectNode args() {
            return JsonNodeFactory.instance.objectNode().put("name", name);
        }
    }

    /**
     * A name-only verb that also runs on another member of the service cluster ({@code -n NODE}: the daemon asks
     * that member, which runs the verb itself). Not delete-router: a member does not delete another's routers.
     */
    abstract static class NameOnNode extends NameOnly {

        @Option(names = {"-n", "--node"}, paramLabel = "NODE", description = "On that member of the service cluster"
                + " (it runs the command itself with its own checks); default: this host.")
        private String node;

        @Override
        ObjectNode args() {
            if (node != null && node.isEmpty()) {
                throw CliException.usage("--node: empty node name (expected: a member's name)");
            }
            return node == null ? super.args() : super.args().put("node", node);
        }
    }

    @Command(name = "delete-router", description = {"Delete a router.", "It stops, releases its addresses, and its file is deleted.", ""})
    static final class Delete extends NameOnly {
    }

    @Command(name = "enable-router", description = {"Enable a disabled router.", "It starts, and stays enabled after restarts.", ""})
    static final class Enable extends NameOnNode {
    }

    @Command(name = "disable-router", description = {"Disable a router.",
            "It leaves the VRRP group (a Master sends priority 0) and releases its addresses; it stays disabled"
                    + " after restarts.", ""})
    static final class Disable extends NameOnNode {
    }

    @Command(name = "clear-router", description = {"Take a router out of maintenance.", "Use it once the cause (shown by show-router -x"
            + " as REASON) is fixed.", ""})
    static final class Clear extends NameOnNode {
    }
}
