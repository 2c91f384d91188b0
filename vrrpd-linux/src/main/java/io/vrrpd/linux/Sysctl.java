package io.vrrpd.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Kernel parameters under {@code /proc/sys}: plain file I/O, no native code.
 *
 * <p>Namespace rule: {@code /proc/sys/net} shows the network namespace of the <em>thread</em> that opens the
 * file. Call these methods on a thread inside the namespace to change (see {@link NetNamespace}); from the
 * daemon's own namespace they change that namespace's links only.
 *
 * <p>Paths are built from components rather than dotted keys because link names may contain dots
 * ({@code eth0.100}).
 */
public final class Sysctl {
    private static final Path ROOT = Path.of("/proc/sys");

    private Sysctl() {
    }

    /** {@code /proc/sys/c1/c2/...}; refuses components that could leave {@code /proc/sys}. */
    public static Path path(final String... components) {
        Path path = ROOT;
        for (final String component : components) {
            if (component == null || component.isEmpty() || component.contains("/") || component.equals(".")
                    || component.equals("..")) {
                throw new IllegalArgumentException("'" + component + "' is not a sysctl path component");
            }
            path = path.resolve(component);
        }
        return path;
    }

    /** {@code net.ipv4.conf.LINK.NAME}. */
    public static Path ipv4Conf(final String link, final String name) {
        return path("net", "ipv4", "conf", link, name);
    }

    /** {@code net.ipv6.conf.LINK.NAME}. */
    public static Path ipv6Conf(final String link, final String name) {
        return path("net", "ipv6", "conf", link, name);
    }

    /** The value, trimmed. */
    public static String read(final Path path) throws IOException {
        return Files.readString(path, StandardCharsets.US_ASCII).trim();
    }

    public static int readInt(final Path path) throws IOException {
        final String value = read(path);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IOException(path + " holds '" + value + "', not an integer", e);
        }
    }

    /** Writes {@code value}; the kernel validates it and refuses bad values with EINVAL (an IOException). */
    public static void write(final Path path, final String value) throws IOException {
        try {
            // No CREATE: a missing key (wrong link name, other namespace) must fail, not make a file.
            Files.writeString(path, value + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new IOException("cannot set " + path + " = " + value + ": " + e.getMessage(), e);
        }
    }

    public static void writeInt(final Path path, final int value) throws IOException {
        write(path, Integer.toString(value));
    }

    /**
     * Makes the parent link of a router's macvlan answer ARP only for its own addresses: {@code arp_ignore=1}
     * (reply only when the target address is configured on the receiving link) and {@code arp_announce=2}
     * (use the best local address of the outgoing link as ARP source). Without these the parent answers ARP
     * for the virtual addresses held on a DOWN macvlan, and a Backup attracts the Master's traffic
     * (DESIGN.md §7; FRR documents the same).
     */
    public static void prepareParentLink(final String link) throws IOException {
        arpOnlyForOwnAddresses(link);
    }

    /**
     * {@code arp_ignore=1}, {@code arp_announce=2} on {@code link}: it answers ARP only for addresses configured
     * on itself and uses one of them as its ARP source. Needed on the parent link (see
     * {@link #prepareParentLink}) and on each VNIC, which otherwise answers for every address of the host.
     */
    public static void arpOnlyForOwnAddresses(final String link) throws IOException {
        writeInt(ipv4Conf(link, "arp_ignore"), 1);
        writeInt(ipv4Conf(link, "arp_announce"), 2);
    }

    /**
     * Keeps a link's IPv6 addresses when it goes down ({@code keep_addr_on_down=1}). By default the kernel
     * deletes them on every down, which would remove a Backup's bind-ready IPv6 virtual addresses each time
     * a Master steps down.
     */
    public static void keepIpv6AddressesOnDown(final String link) throws IOException {
        writeInt(ipv6Conf(link, "keep_addr_on_down"), 1);
    }
}
