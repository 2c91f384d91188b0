package io.vrrpd.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What doctor needs from vrrpd's configuration directory, read leniently: the routers' links, VRIDs and addresses
 * (to compare with what is heard), the cluster's port and family (for the firewall), the secret files (for their
 * modes). Validation is {@code vrrpd --check-config}'s job; a file doctor cannot read is a line, not an exit.
 */
record HostConfig(Path dir, List<Router> routers, Optional<Cluster> cluster, List<Path> secrets,
                  List<String> problems) {

    record Router(String name, Path file, String link, int vrid, boolean ipv6, int version, List<String> addresses,
                  boolean hasPassword) {
    }

    record Cluster(int port, boolean ipv6, Path keyFile) {
    }

    static HostConfig read(final Path dir) {
        final TomlMapper toml = new TomlMapper();
        final List<Router> routers = new ArrayList<>();
        final List<Path> secrets = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        Optional<Cluster> cluster = Optional.empty();
        final Path main = dir.resolve("vrrpd.toml");
        if (Files.exists(main)) {
            try {
                final JsonNode tree = toml.readTree(main.toFile());
                final JsonNode c = tree.path("cluster");
                if (c.isObject()) {
                    final Path key = c.hasNonNull("key_file") ? dir.resolve(c.get("key_file").asText()) : null;
                    cluster = Optional.of(new Cluster(c.path("port").asInt(7800), c.path("bind").asText().contains(":"),
                            key));
                    if (key != null) {
                        secrets.add(key);
                    }
                }
                final JsonNode web = tree.path("web");
                for (final String secret : List.of("token_file", "tls_key")) {
                    if (web.hasNonNull(secret)) {
                        secrets.add(dir.resolve(web.get(secret).asText()));
                    }
                }
            } catch (IOException e) {
                problems.add(main + ": cannot be read (" + firstLine(e) + "): vrrpd --check-config says more");
            }
        }
        final Path routerDir = dir.resolve("routers");
        if (Files.isDirectory(routerDir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(routerDir, "*.toml")) {
                for (final Path file : files) {
                    try {
                        final JsonNode r = toml.readTree(file.toFile());
                        final List<String> addresses = new ArrayList<>();
                        r.path("addresses").forEach(a -> addresses.add(a.asText().replaceAll("/.*", "")));
                        final String name = file.getFileName().toString().replaceAll("\\.toml$", "");
                        routers.add(new Router(name, file, r.path("link").asText(), r.path("vrid").asInt(),
                                r.path("address_family").asText().equals("inet6"), r.path("version").asInt(3),
                                List.copyOf(addresses), r.hasNonNull("auth_pass")));
                    } catch (IOException e) {
                        problems.add(file + ": cannot be read (" + firstLine(e) + "): vrrpd --check-config says more");
                    }
                }
            } catch (IOException e) {
                problems.add(routerDir + ": cannot be listed: " + e.getMessage());
            }
        }
        routers.sort(java.util.Comparator.comparing(Router::name));
        return new HostConfig(dir, List.copyOf(routers), cluster, List.copyOf(secrets), List.copyOf(problems));
    }

    private static String firstLine(final IOException e) {
        final String message = String.valueOf(e.getMessage());
        return message.lines().findFirst().orElse(message);
    }
}
