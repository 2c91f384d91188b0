package io.vrrpd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code vrrpadm create-service}: DESIGN.md §2's options; the daemon validates and the cluster commits it. */
@Command(name = "create-service", sortOptions = false,
        description = {
                "Create a service on every host of the cluster: inactive and stopped.",
                "It is saved as CONFIG_DIR/services/NAME.toml on every host. Activate it on the hosts that may run it"
                        + " (activate-service), then start it (start-service): from then on the cluster keeps it"
                        + " started on exactly one active host.",
                "Type, addresses, link and check interval are its primary configuration: they cannot change while it"
                        + " is active anywhere. Properties can (update-service).",
                ""})
final class CreateServiceCommand implements Callable<Integer> {

    @Mixin
    private Subcommand vrrpadm;

    @Option(names = {"-t", "--type"}, required = true, paramLabel = "TYPE",
            description = "ip (addresses only), systemd (property unit), exec (property command: a long-running"
                    + " command, supervised), ocf:PROVIDER:AGENT (an OCF resource agent), or the absolute path of a"
                    + " type program called as PROGRAM ACTION.")
    private String type;

    @Option(names = {"-a", "--address"}, paramLabel = "ADDR/PLEN[,...]",
            description = "The service's addresses (repeatable): added before start, removed after stop, on the"
                    + " host that runs it. Required for type ip; they need -l.")
    private List<String> addresses;

    @Option(names = {"-l", "--link"}, paramLabel = "LINK", description = "The interface the addresses go on.")
    private String link;

    @Option(names = {"-c", "--check-interval"}, paramLabel = "CHECK_MS",
            description = "Time between two check runs, on every active host: " + ServiceArgs.CHECK_RANGE
                    + " (default: [defaults] check_interval of vrrpd.toml, else 5000).")
    private String checkInterval;

    @Option(names = {"-P", "--property"}, paramLabel = "KEY=VALUE",
            description = "A property (repeatable), given to the type program as VRRPD_PROP_KEY (OCF agents:"
                    + " OCF_RESKEY_KEY). KEY: letters, digits and _, not starting with a digit.")
    private List<String> properties;

    @Parameters(paramLabel = "NAME",
            description = "Service name: 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit.")
    private String name;

    @Override
    public Integer call() {
        final ObjectNode args = new RouterArgs(JsonNodeFactory.instance.objectNode().put("name", name))
                .addresses(addresses)
                .integer("check_interval", "--check-interval", checkInterval, ServiceArgs.CHECK_RANGE).done();
        args.put("type", type);
        if (link != null) {
            args.put("link", link);
        }
        if (properties != null) {
            args.set("properties", ServiceArgs.properties(properties));
        }
        vrrpadm.call("create-service", args);
        return 0;
    }
}
