package io.vrrpd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vrrpadm modify-router}: changes what may change while the router runs. VRID, link, family and
 * version are its identity on the wire: delete and create it to change those.
 */
@Command(name = "modify-router", sortOptions = false,
        description = {
                "Change a router's settings.",
                "Only the options given change. List options (-a, --depends, --unicast-peer) replace the whole"
                        + " list; an empty value ('') empties it. VRID, link, family and version cannot change:"
                        + " delete the router and create it again.",
                ""})
final class ModifyRouterCommand implements Callable<Integer> {

    @Mixin
    private Subcommand vrrpadm;

    @Option(names = {"-p", "--priority"}, paramLabel = "PRIO", description = "Priority " + RouterArgs.PRIORITY_RANGE + ".")
    private String priority;

    @Option(names = {"-i", "--adv_interval"}, paramLabel = "INTERVAL_MS",
            description = "Advertisement interval in ms: " + RouterArgs.INTERVAL_RANGE + ".")
    private String interval;

    @Option(names = {"-o", "--flags"}, paramLabel = "FLAG[,FLAG]", description = "preempt|un_preempt and accept|no_accept.")
    private String flags;

    @Option(names = {"-a", "--address"}, paramLabel = "ADDR/PLEN[,...]", description = "Virtual addresses (repeatable).")
    private List<String> addresses;

    @Option(names = "--depends", paramLabel = "SPEC[,SPEC...]",
            description = "Dependencies (repeatable), as for create-router.")
    private List<String> depends;

    @Option(names = "--unicast-peer", paramLabel = "ADDR[,...]",
            description = "Unicast peers (repeatable); '' goes back to multicast.")
    private List<String> unicastPeers;

    @Option(names = "--mac", paramLabel = "virtual|real", description = "MAC mode, as for create-router.")
    private String mac;

    @Option(names = "--checksum", paramLabel = "pseudo-header|message-only", description = "VRRPv3 IPv4 checksum form sent.")
    private String checksum;

    @Option(names = "--auth-pass", paramLabel = "SECRET",
            description = "VRRPv2 simple text password, as for create-router; '' removes it.")
    private String authPass;

    @Option(names = "--preempt-delay", paramLabel = "MS",
            description = "After startup, wait this long before preempting (0-1000000 ms).")
    private String preemptDelay;

    @Option(names = "--announce-count", paramLabel = "N",
            description = "Gratuitous ARP / unsolicited NA bursts on becoming Master (1-100).")
    private String announceCount;

    @Option(names = "--announce-interval", paramLabel = "MS",
            description = "Time between those bursts (10-60000 ms).")
    private String announceInterval;

    @Option(names = "--on-master", paramLabel = "PATH",
            description = "Executable run on becoming Master (absolute path; '' for none).")
    private String onMaster;

    @Option(names = "--on-backup", paramLabel = "PATH",
            description = "Executable run on becoming Backup (absolute path; '' for none).")
    private String onBackup;

    @Option(names = "--on-offline", paramLabel = "PATH",
            description = "Executable run on leaving the group: dependency, link, disable, maintenance (absolute"
                    + " path; '' for none).")
    private String onOffline;

    @Option(names = "--hook-timeout", paramLabel = "MS",
            description = "A hook still running then is killed with its session (100-300000 ms).")
    private String hookTimeout;

    @Option(names = "--sync-group", paramLabel = "GROUP",
            description = "Sync group, as for create-router ('' leaves the group).")
    private String syncGroup;

    @Option(names = "--flap-count", paramLabel = "N",
            description = "More than N state changes of a hard dependency within --flap-window: maintenance"
                    + " (1-1000).")
    private String flapCount;

    @Option(names = "--flap-window", paramLabel = "MS",
            description = "The window of --flap-count (1000-86400000 ms).")
    private String flapWindow;

    @Parameters(paramLabel = "NAME", description = "The router.")
    private String name;

    @Override
    public Integer call() {
        final ObjectNode args = new RouterArgs(JsonNodeFactory.instance.objectNode().put("name", name))
                .settings(new RouterArgs.Settings(priority, interval, flags, addresses, null, depends, unicastPeers,
                        mac, checksum, preemptDelay, announceCount, announceInterval, onMaster, onBackup, onOffline,
                        hookTimeout, syncGroup, flapCount, flapWindow, authPass)).done();
        if (args.size() == 1) {
            throw CliException.usage("modify-router: nothing to change (give at least one of -p, -i, -o, -a,"
                    + " --depends, --unicast-peer, --mac, --checksum, --preempt-delay, --announce-count,"
                    + " --announce-interval, --on-master, --on-backup, --on-offline, --hook-timeout, --sync-group,"
                    + " --flap-count, --flap-window, --auth-pass)");
        }
        vrrpadm.call("modify-router", args);
        return 0;
    }
}
