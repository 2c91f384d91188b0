package io.vrrpd.sim;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.ReceiveValidator;
import io.vrrpd.protocol.wire.Verdict;
import io.vrrpd.protocol.wire.VerdictCounters;

import java.util.ArrayList;
import java.util.List;

/**
 * A machine on one LAN running a vrrpd with one or more virtual routers. Like the daemon it has one
 * receiving socket per address family it uses, validates each packet once (RFC 5798 §7.1 stage 1), then
 * hands it to the router its VRID selects (stage 2), counting every verdict.
 */
public final class Host {
    private final String name;
    private final Lan lan;
    private final List<Router> routers;
    private final ReceiveValidator validator = new ReceiveValidator();
    private final VerdictCounters verdicts = new VerdictCounters();
    private final boolean listensIpv4;
    private final boolean listensIpv6;
    private boolean up;
    /** Bumped whenever the host goes down: copies sent to an earlier epoch were in flight and are lost. */
    private int epoch;
    private int partitionGroup;

    Host(final String name, final Lan lan, final List<RouterConfig> configs) {
        if (configs.isEmpty()) {
            throw new IllegalArgumentException("host " + name + ": at least one router is required");
        }
        this.name = name;
        this.lan = lan;
        final List<Router> built = new ArrayList<>(configs.size());
        for (final RouterConfig config : configs) {
            requireUnique(built, config);
            built.add(new Router(this, config));
        }
        this.routers = List.copyOf(built);
        this.listensIpv4 = configs.stream().anyMatch(c -> c.family() == AddressFamily.IPV4);
        this.listensIpv6 = configs.stream().anyMatch(c -> c.family() == AddressFamily.IPV6);
    }

    private void requireUnique(final List<Router> built, final RouterConfig config) {
        for (final Router other : built) {
            if (other.config().vrid() == config.vrid() && other.config().family() == config.family()) {
                throw new IllegalArgumentException("host " + name + ": two " + config.family()
                        + " routers with VRID " + config.vrid() + " cannot share a link");
            }
        }
    }

    public String name() {
        return name;
    }

    public Lan lan() {
        return lan;
    }

    /** The host's virtual routers, in configuration order. */
    public List<Router> routers() {
        return routers;
    }

    /** True while the host runs: booted and neither crashed nor stopped since. */
    public boolean up() {
        return up;
    }

    /** How many received packets ended with {@code verdict} on this host. */
    public long verdicts(final Verdict verdict) {
        return verdicts.get(verdict);
    }

    /** True when the host has a socket for {@code family}: some router of that family runs here. */
    boolean listens(final AddressFamily family) {
        return family == AddressFamily.IPV4 ? listensIpv4 : listensIpv6;
    }

    int epoch() {
        return epoch;
    }

    int partitionGroup() {
        return partitionGroup;
    }

    void partitionGroup(final int group) {
        this.partitionGroup = group;
    }

    void bringUp() {
        up = true;
    }

    void goDown() {
        up = false;
        epoch++;
    }

    /**
     * Receive validation of one packet: returns the router it is for, or null when it was dropped. Either
     * way the verdict is counted.
     */
    Router receive(final Advertisement adv, final Packet packet) {
        final Verdict packetVerdict = validator.checkPacket(adv, packet.family(), ReceiveValidator.REQUIRED_TTL,
                packet.source(), packet.family().vrrpGroup());
        if (!packetVerdict.accepted()) {
            verdicts.increment(packetVerdict);
            return null;
        }
        final Router router = routerFor(packet.family(), adv.vrid());
        final Verdict verdict = router == null
                ? ReceiveValidator.checkForRouter(adv, packet.source(), null, 0)
                : ReceiveValidator.checkForRouter(adv, packet.source(), router.config(), router.state().priority());
        verdicts.increment(verdict);
        return verdict.accepted() ? router : null;
    }

    /** Demultiplexing by VRID, as the daemon's one socket per (link, family) does. */
    private Router routerFor(final AddressFamily family, final int vrid) {
        for (final Router router : routers) {
            if (router.config().vrid() == vrid && router.config().family() == family) {
                return router;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name;
    }
}
