package io.vrrpd.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One link (a broadcast segment): every advertisement a router sends reaches every other live host on it,
 * unless the link's {@link LinkQuality} loses the copy or a partition separates sender and receiver.
 */
public final class Lan {
    private final Simulation simulation;
    private final String name;
    private final List<Host> hosts = new ArrayList<>();
    private LinkQuality quality;
    private boolean partitioned;

    Lan(final Simulation simulation, final String name, final LinkQuality quality) {
        this.simulation = simulation;
        this.name = name;
        this.quality = quality;
    }

    public String name() {
        return name;
    }

    /** The hosts attached to this LAN, in the order they were added. */
    public List<Host> hosts() {
        return Collections.unmodifiableList(hosts);
    }

    public LinkQuality quality() {
        return quality;
    }

    /** True between a partition and the heal that ends it. */
    public boolean partitioned() {
        return partitioned;
    }

    boolean belongsTo(final Simulation candidate) {
        return simulation == candidate;
    }

    /** The live list, for the send path: no wrapper per advertisement. */
    List<Host> members() {
        return hosts;
    }

    void attach(final Host host) {
        hosts.add(host);
    }

    void quality(final LinkQuality value) {
        this.quality = value;
    }

    /**
     * Splits the hosts into groups that hear only each other. Hosts named in no group form one more group
     * together.
     */
    void partition(final List<List<Host>> groups) {
        for (final Host host : hosts) {
            host.partitionGroup(0);
        }
        for (int i = 0; i < groups.size(); i++) {
            for (final Host host : groups.get(i)) {
                host.partitionGroup(i + 1);
            }
        }
        partitioned = true;
    }

    void heal() {
        for (final Host host : hosts) {
            host.partitionGroup(0);
        }
        partitioned = false;
    }
}
