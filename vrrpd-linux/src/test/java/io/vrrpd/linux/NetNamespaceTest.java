package io.vrrpd.linux;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class NetNamespaceTest {
    private static NetnsLab lab;

    @BeforeAll
    static void setUp() {
        NetnsLab.assumeRoot();
        lab = NetnsLab.create();
        lab.addHost("a");
        lab.connect("a", "eth0", "192.0.2.1/24");
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            final String prefix = lab.prefix();
            lab.close();
            assertEquals(java.util.List.of(), NetnsLab.existingWithPrefix(prefix), "lab namespaces left behind");
        }
    }

    @Test
    void shouldSeeOnlyTheNamespacesInterfacesOnTheEnteredThread() throws Exception {
        final var names = lab.in("a", Duration.ofSeconds(10), () ->
                Collections.list(NetworkInterface.getNetworkInterfaces()).stream().map(NetworkInterface::getName)
                        .sorted().toList());
        assertEquals(java.util.List.of("eth0", "lo"), names);
    }

    @Test
    void shouldOpenSocketsInTheNamespace() throws Exception {
        // 192.0.2.1 exists only in the lab namespace: bind() succeeds there and nowhere else.
        final int port = lab.in("a", Duration.ofSeconds(10), () -> {
            try (ServerSocketChannel channel = ServerSocketChannel.open()) {
                channel.bind(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0));
                return ((InetSocketAddress) channel.getLocalAddress()).getPort();
            }
        });
        assertTrue(port > 0);
    }

    @Test
    void shouldReportAMissingNamespaceWithErrno() {
        final ExecutionException e = assertThrows(ExecutionException.class,
                () -> NetNamespace.run(lab.prefix() + "missing", () -> 1));
        final ErrnoException cause = assertInstanceOf(ErrnoException.class, e.getCause());
        assertEquals(Errno.ENOENT, cause.errno());
        assertTrue(cause.getMessage().contains("No such file or directory"), cause.getMessage());
    }

    @Test
    void shouldRefuseNamesThatEscapeRunNetns() {
        assertThrows(IllegalArgumentException.class, () -> NetNamespace.pathOf("../etc"));
    }
}
