package io.vrrpd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code vrrpadm create-router}: options, long forms and defaults as DESIGN.md §2 (Solaris vrrpadm's). */
@Command(name = "create-router", sortOptions = false,
        description = {
                "Create a virtual router, enabled.",
                "The daemon validates it, starts it and saves it to CONFIG_DIR/routers/NAME.toml, so it survives"
                        + " restarts. Priority 255 (the address owner) with no_accept is refused: \"accept_mode must"
                        + " be true for virtual IP owner\".",
                ""})
final class CreateRouterCommand implements Callable<Integer> {

    @Mixin
    private Subcommand vrrpadm;

    @Option(names = {"-V", "--vrid"}, required = true, paramLabel = "VRID",
            description = "Virtual router ID, " + RouterArgs.VRID_RANGE + ".")
    private String vrid;

    @Option(names = {"-l", "--link"}, required = true, paramLabel = "LINK",
            description = "The interface the router runs on, e.g. eth0.")
    private String link;

    @Option(names = {"-A", "--address_family"}, required = true, paramLabel = "inet|inet6",
            description = "Address family: inet (IPv4) or inet6 (IPv6).")
    private String family;

    @Option(names = {"-p", "--priority"}, paramLabel = "PRIO",
            description = "Priority " + RouterArgs.PRIORITY_RANGE + " (default: 100).")
    private String priority;

    @Option(names = {"-i", "--adv_interval"}, paramLabel = "INTERVAL_MS",
            description = "Advertisement interval in ms: " + RouterArgs.INTERVAL_RANGE + " (default: 1000).")
    private String interval;

    @Option(names = {"-o", "--flags"}, paramLabel = "FLAG[,FLAG]",
            description = "preempt|un_preempt and accept|no_accept (default: preempt,accept).")
    private String flags;

    @Option(names = {"-a", "--address"}, paramLabel = "ADDR/PLEN[,...]",
            description = "Virtual addresses (repeatable; at least one for inet). For inet6 the first is the"
                    + " router's link-local address; without one, fe80::200:5eff:fe00:2XX/64 is derived from the"
                    + " virtual MAC (XX: the VRID in hex).")
    private List<String> addresses;

    @Option(names = {"-v", "--vrrp-version"}, paramLabel = "3|2",
            description = "VRRP version: 3 (RFC 5798, default) or 2 (RFC 3768, inet only).")
    private String version;

    @Option(names = "--depends", paramLabel = "SPEC[,SPEC...]",
            description = "Dependencies (repeatable): systemd:UNIT, tcp:ADDR:PORT (IPv6 in brackets), http://URL,"
                    + " https://URL, exec:/PATH, pid:/FILE, pid:NAME, link:IFNAME. A failing one takes the router"
                    + " offline; with @weight=-N (N 1-254) it lowers the priority by N instead. Check timing:"
                    + " @interval=MS,timeout=MS,fall=N,rise=N (defaults 1000, interval/2, 2, 2), e.g."
                    + " tcp:127.0.0.1:80@weight=-20,interval=500.")
    private List<String> depends;

    @Option(names = "--unicast-peer", paramLabel = "ADDR[,...]",
            description = "Advertise to these peers by unicast instead of the VRRP multicast group.")
    private List<String> unicastPeers;

    @Option(names = "--mac", paramLabel = "virtual|real",
            description = "virtual (default): the RFC 5798 virtual MAC on a macvlan; real: the link's own MAC"
                    + " (addresses on the link itself, bindable before Master only with ip_nonlocal_bind).")
    private String mac;

    @Option(names = "--checksum", paramLabel = "pseudo-header|message-only",
            description = "VRRPv3 IPv4 checksum sent: pseudo-header (RFC 5798, default) or message-only (RFC 9568).")
    private String checksum;

    @Option(names = "--auth-pass", paramLabel = "SECRET",
            description = "VRRPv2 simple text authentication (RFC 2338 type 1, keepalived's auth_type PASS): 1-8 printable"
                    + " ASCII characters, sent in every advertisement and required of every peer's; v2 only (default:"
                    + " none). Never shown.")
    private String authPass;

    @Option(names = "--preempt-delay", paramLabel = "MS",
            description = "After startup, wait this long before preempting (0-1000000 ms, default: 0).")
    private String preemptDelay;

    @Option(names = "--announce-count", paramLabel = "N",
            description = "Gratuitous ARP / unsolicited NA bursts on becoming Master (1-100, default: 3).")
    private String announceCount;

    @Option(names = "--announce-interval", paramLabel = "MS",
            description = "Time between those bursts (10-60000 ms, default: 1000).")
    private String announceInterval;

    @Option(names = "--on-master", paramLabel = "PATH",
            description = "Executable run on becoming Master (absolute path; '' for none, default: none).")
    private String onMaster;

    @Option(names = "--on-backup", paramLabel = "PATH",
            description = "Executable run on becoming Backup (absolute path; '' for none, default: none).")
    private String onBackup;

    @Option(names = "--on-offline", paramLabel = "PATH",
            description = "Executable run on leaving the group: dependency, link, disable, maintenance (absolute"
                    + " path; '' for none, default: none).")
    private String onOffline;

    @Option(names = "--hook-timeout", paramLabel = "MS",
            description = "A hook still running then is killed with its session (100-300000 ms, default: 10000).")
    private String hookTimeout;

    @Option(names = "--sync-group", paramLabel = "GROUP",
            description = "Sync group: when one member is offline, disabled or in maintenance, every member is"
                    + " offline; members share the largest weighted-check priority reduction ('' for none,"
                    + " default: none).")
    private String syncGroup;

    @Option(names = "--flap-count", paramLabel = "N",
            description = "A hard dependency changing state more than N times within --flap-window puts the"
                    + " router in maintenance (1-1000, default: 5).")
    private String flapCount;

    @Option(names = "--flap-window", paramLabel = "MS",
            description = "The window of --flap-count (1000-86400000 ms, default: 60000).")
    private String flapWindow;

    @Parameters(paramLabel = "NAME", description = "Router name: 1-31 letters, digits, _ - . starting with a letter.")
    private String name;

    @Override
    public Integer call() {
        final RouterArgs args = new RouterArgs(JsonNodeFactory.instance.objectNode().put("name", name))
                .integer("vrid", "--vrid", vrid, RouterArgs.VRID_RANGE)
                .family(family)
                .settings(new RouterArgs.Settings(priority, interval, flags, addresses, version, depends, unicastPeers,
                        mac, checksum, preemptDelay, announceCount, announceInterval, onMaster, onBackup, onOffline,
                        hookTimeout, syncGroup, flapCount, flapWindow, authPass));
        args.done().put("link", link);
        vrrpadm.call("create-router", args.done());
        return 0;
    }
}
