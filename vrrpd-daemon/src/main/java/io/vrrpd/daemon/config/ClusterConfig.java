package io.vrrpd.daemon.config;

import io.vrrpd.protocol.IpAddress;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code [cluster]} table of vrrpd.toml: the hosts this one forms a service cluster with. Without the table
 * the host is a cluster of one.
 *
 * @param name    {@code name}: the cluster's name; hosts only join a cluster of the same name
 * @param bind    {@code bind}: the local address cluster traffic uses
 * @param port    {@code port}: the local port (default {@value #DEFAULT_PORT})
 * @param members {@code members}: every member's address, this host's own {@code bind:port} included; quorum is a
 *                majority of them
 * @param keyFile {@code key_file}: the shared secret that authenticates and encrypts cluster messages, or null
 */
public record ClusterConfig(String name, IpAddress bind, int port, List<Endpoint> members, Path keyFile) {

    public static final int DEFAULT_PORT = 7800;

    public ClusterConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bind, "bind");
        members = List.copyOf(members);
    }

    /** This host's own cluster address. */
    public Endpoint local() {
        return new Endpoint(bind, port);
    }

    /** How many members make a majority. */
    public int quorumSize() {
        return members.size() / 2 + 1;
    }
}
