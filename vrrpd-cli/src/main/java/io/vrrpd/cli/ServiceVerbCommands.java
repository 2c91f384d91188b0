package io.vrrpd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * The service verbs other than create and show (DESIGN.md §2). Verbs that run a primitive on hosts print one line
 * per host, {@code NODE: ok|failed: DETAIL}, and exit 1 naming the hosts that failed.
 */
final class ServiceVerbCommands {

    private static final String PER_HOST = "Prints one line per host: NODE: ok|failed: DETAIL; exits 1 naming the"
            + " hosts that failed.";

    private ServiceVerbCommands() {
    }

    /** What every service verb has: the daemon, --socket, --help and the service's NAME; the verb is its name. */
    abstract static class ServiceVerb implements Callable<Integer> {

        @Mixin
        Subcommand vrrpadm;

        @Parameters(paramLabel = "NAME", description = "The service.")
        String name;

        /** What the verb adds to the request's arguments besides the name: nothing, by default. */
        void addArgs(final ObjectNode args) {
        }

        /** What to do with the answer: nothing, by default. */
        void answered(final JsonNode answer) {
        }

        @Override
        public Integer call() {
            final ObjectNode args = JsonNodeFactory.instance.objectNode().put("name", name);
            addArgs(args);
            answered(vrrpadm.call(vrrpadm.name(), args));
            return 0;
        }
    }

    /** A verb whose answer is one result per host. */
    abstract static class PerHost extends ServiceVerb {
        @Override
        void answered(final JsonNode answer) {
            ServiceArgs.printResults(vrrpadm, name, answer);
        }
    }

    /** A per-host verb run on the hosts of {@code -n} (default: this node). */
    abstract static class OnNodes extends PerHost {
        @Option(names = {"-n", "--node"}, paramLabel = "NODE[,NODE...]",
                description = "The hosts, by node name (repeatable; default: this node).")
        List<String> nodes;

        @Override
        void addArgs(final ObjectNode args) {
            if (nodes != null) {
                args.set("nodes", ServiceArgs.nodes(nodes));
            }
        }
    }

    @Command(name = "delete-service", description = {"Delete a service.",
            "It is stopped where it runs, deactivated everywhere and its file removed from every host.", ""})
    static final class Delete extends ServiceVerb {
    }

    @Command(name = "activate-service", sortOptions = false, description = {"Activate a service on hosts.",
            "An active host may run it; the activate primitive runs there. Default: this host. " + PER_HOST, ""})
    static final class Activate extends OnNodes {
    }

    @Command(name = "deactivate-service", sortOptions = false, description = {"Deactivate a service on hosts.",
            "Where it runs it is stopped first (and started on another active host). Deactivated on every host, it"
                    + " stays stopped. Default: this host. " + PER_HOST, ""})
    static final class Deactivate extends OnNodes {
    }

    @Command(name = "start-service", sortOptions = false, description = {"Start a service.",
            "From now on the cluster keeps it started on exactly one active host. With -n it moves there: it is"
                    + " stopped where it runs first.", ""})
    static final class Start extends ServiceVerb {
        @Option(names = {"-n", "--node"}, paramLabel = "NODE", description = "The active host to run it on.")
        String node;

        @Override
        void addArgs(final ObjectNode args) {
            ServiceArgs.node(args, node);
        }
    }

    @Command(name = "stop-service", description = {"Stop a service where it runs.",
            "It is started on another active host as soon as possible (deactivate it everywhere to stop it for"
                    + " good).", ""})
    static final class Stop extends ServiceVerb {
    }

    @Command(name = "restart-service", description = {"Restart a service in place, where it runs.",
            "The restart primitive (default: stop, then start). " + PER_HOST, ""})
    static final class Restart extends PerHost {
    }

    @Command(name = "reload-service", description = {"Reload a service's configuration in place, where it runs.",
            "The reload primitive (default: restart). " + PER_HOST, ""})
    static final class Reload extends PerHost {
    }

    @Command(name = "update-service", sortOptions = false, description = {"Change a service's properties.",
            "The update primitive applies them on every active host, synchronously. Type, addresses, link and"
                    + " check interval cannot change this way (delete and create the service). " + PER_HOST, ""})
    static final class Update extends PerHost {
        @Option(names = {"-P", "--property"}, required = true, paramLabel = "KEY=VALUE",
                description = "A property to set (repeatable); KEY= with no VALUE removes it.")
        List<String> properties;

        @Override
        void addArgs(final ObjectNode args) {
            args.set("properties", ServiceArgs.properties(properties));
        }
    }

    @Command(name = "check-service", description = {"Check a service now, on every active host.",
            "The check primitive: fine, failing (stopped and marked failed) or failed. " + PER_HOST, ""})
    static final class Check extends PerHost {
    }

    @Command(name = "clear-service", sortOptions = false, description = {"Clear a service's failed mark.",
            "The host may run it again. Default: on every host.", ""})
    static final class Clear extends ServiceVerb {
        @Option(names = {"-n", "--node"}, paramLabel = "NODE", description = "Only on this host.")
        String node;

        @Override
        void addArgs(final ObjectNode args) {
            ServiceArgs.node(args, node);
        }
    }
}
