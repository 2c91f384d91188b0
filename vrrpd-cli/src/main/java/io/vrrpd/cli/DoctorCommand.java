package io.vrrpd.cli;

import io.vrrpd.cli.doctor.Doctor;
import io.vrrpd.cli.doctor.Finding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vrrpadm doctor [LINK…]} (DESIGN.md §2): the host checks, one {@code ok|warn|fail CHECK: …} line each. */
@Command(name = "doctor", sortOptions = false, mixinStandardHelpOptions = false,
        description = {
                "Check this host for what breaks VRRP outside vrrpd: the clock, the secret files' modes, each link"
                        + " (up, rp_filter, arp_ignore, IPv6 link-local and DAD, multicast snooping on a bridge), the"
                        + " packet filter (nftables, iptables) for VRRP and the cluster's ports, and the VRIDs"
                        + " already advertised on each link (it listens for --listen ms). Prints ok|warn|fail"
                        + " CHECK: what to do. Changes nothing; needs root (raw sockets) for the listening.",
                "Works without vrrpd running. In a network namespace: ip netns exec NS vrrpadm doctor.",
                ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no check failed (warnings allowed)", "1:a check failed", "2:wrong command line"})
final class DoctorCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--config-dir", paramLabel = "DIR", defaultValue = "/etc/vrrpd",
            description = "vrrpd's configuration directory: its routers' links, VRIDs and addresses, the cluster's"
                    + " port and secret files (default: ${DEFAULT-VALUE}).")
    private Path configDir;

    @Option(names = "--listen", paramLabel = "MS", defaultValue = "3000",
            description = "How long to listen for advertisements on each link, all links at once (0-60000 ms,"
                    + " default: ${DEFAULT-VALUE}; 0: do not listen).")
    private long listenMillis;

    @Parameters(paramLabel = "LINK", arity = "0..*",
            description = "The links to check (default: the links of the routers in DIR/routers, else every link but"
                    + " lo).")
    private List<String> links = List.of();

    @picocli.CommandLine.ParentCommand
    private VrrpadmMain vrrpadm;

    @Override
    public Integer call() {
        if (listenMillis < 0 || listenMillis > 60_000) {
            throw CliException.usage("--listen: " + listenMillis + " is out of range (allowed: 0-60000 ms)");
        }
        for (final String link : links) {
            if (!link.matches("[^/:\\s]{1,15}")) {
                throw CliException.usage("LINK: '" + link + "' is not a Linux interface name (allowed: 1-15"
                        + " characters, no '/', ':' or white space)");
            }
        }
        final List<Finding> findings = Doctor.run(configDir, links, listenMillis);
        final StringBuilder out = new StringBuilder();
        findings.forEach(f -> out.append(f).append('\n'));
        vrrpadm.print(out.toString());
        return findings.stream().anyMatch(f -> f.level() == Finding.Level.FAIL) ? CliException.REFUSED : 0;
    }
}
