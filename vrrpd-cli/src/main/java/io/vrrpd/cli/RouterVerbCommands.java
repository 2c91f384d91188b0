package io.vrrpd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            vrrpadm.call(vrrpadm.name(), JsonNodeFactory.instance.objectNode().put("name", name));
            return 0;
        }
    }

    @Command(name = "delete-router", description = {"Delete a router.", "It stops, releases its addresses, and its file is deleted.", ""})
    static final class Delete extends NameOnly {
    }

    @Command(name = "enable-router", description = {"Enable a disabled router.", "It starts, and stays enabled after restarts.", ""})
    static final class Enable extends NameOnly {
    }

    @Command(name = "disable-router", description = {"Disable a router.",
            "It leaves the VRRP group (a Master sends priority 0) and releases its addresses; it stays disabled"
                    + " after restarts.", ""})
    static final class Disable extends NameOnly {
    }

    @Command(name = "clear-router", description = {"Take a router out of maintenance.", "Use it once the cause (shown by show-router -x"
            + " as REASON) is fixed.", ""})
    static final class Clear extends NameOnly {
    }
}
