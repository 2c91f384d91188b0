package io.vrrpd.daemon.runtime;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.IpPrefix;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which addresses the kernel must refuse (Accept_Mode False, RFC 5798 §6.4.3) and when the table is rewritten:
 * scenarios of specs in, the kernel calls out.
 */
class AcceptModeFilterTest {
    /** The kernel calls: "refuse [..]" (table replaced) or "also [..]" (rules appended). */
    private final List<String> calls = new ArrayList<>();
    private boolean failing;
    private final AcceptModeFilter filter = new AcceptModeFilter(new AcceptModeFilter.Kernel() {
        @Override
        public void refuse(final List<IpAddress> addresses) throws IOException {
            call("refuse " + addresses);
        }

        @Override
        public void refuseAlso(final List<IpAddress> added) throws IOException {
            call("also " + added);
        }
    });

    private void call(final String what) throws IOException {
        if (failing) {
            throw new IOException("nfnetlink: Protocol not supported");
        }
        calls.add(what);
    }

    private static RouterSpec spec(final String name, final int vrid, final AddressFamily family,
                                   final boolean accept, final int priority, final String... addresses) {
        return RouterSpec.builder(name, vrid, "eth0", family).accept(accept).priority(priority)
                .addresses(List.of(addresses).stream().map(IpPrefix::parse).toList()).build();
    }

    private static IpAddress ip(final String text) {
        return IpAddress.parse(text);
    }

    @Test
    void shouldRefuseTheAddressesOfNoAcceptRoutersThatDoNotOwnThem() {
        final RouterSpec accepting = spec("web", 51, AddressFamily.IPV4, true, 100, "192.0.2.100/24");
        final RouterSpec refusing = spec("db", 52, AddressFamily.IPV4, false, 100, "192.0.2.102/24", "192.0.2.101/24");
        final RouterSpec owner = spec("own", 53, AddressFamily.IPV4, true, 255, "192.0.2.1/24"); // owner: accept forced
        final RouterSpec v6 = spec("db6", 52, AddressFamily.IPV6, false, 100, "2001:db8::102/64");
        assertEquals(List.of(ip("192.0.2.101"), ip("192.0.2.102"), ip("fe80::200:5eff:fe00:234"),
                        ip("2001:db8::102")).stream().sorted().toList(),
                AcceptModeFilter.refused(List.of(accepting, refusing, owner, v6)),
                "no_accept only; IPv6 with its link-local virtual address; sorted");
    }

    @Test
    void shouldRewriteTheTableOnlyWhenTheRefusedSetChanges() {
        final RouterSpec refusing = spec("db", 52, AddressFamily.IPV4, false, 100, "192.0.2.101/24");
        filter.sync(List.of()); // start: a previous run's table is removed
        filter.sync(List.of(spec("web", 51, AddressFamily.IPV4, true, 100, "192.0.2.100/24")));
        filter.sync(List.of(refusing));
        filter.sync(List.of(refusing.toBuilder().priority(150).build())); // same addresses refused: no call
        filter.sync(List.of(refusing.toBuilder().accept(true).build()));  // modify-router -o accept
        assertEquals(List.of("refuse []", "refuse [192.0.2.101]", "refuse []"), calls);
    }

    @Test
    void shouldAppendOnlyTheNewAddressesWhenRoutersAreAdded_andReplaceTheTableOnARemoval() {
        final RouterSpec first = spec("db", 52, AddressFamily.IPV4, false, 100, "192.0.2.101/24");
        final RouterSpec second = spec("mq", 53, AddressFamily.IPV4, false, 100, "192.0.2.103/24", "192.0.2.102/24");
        filter.sync(List.of(first));
        filter.sync(List.of(first, second)); // a start, a create: only the new rules
        filter.sync(List.of(second));        // delete-router db: the table is rebuilt
        assertEquals(List.of("refuse [192.0.2.101]", "also [192.0.2.102, 192.0.2.103]",
                "refuse [192.0.2.102, 192.0.2.103]"), calls);
    }

    @Test
    void shouldRetryAfterTheKernelRefused() {
        final RouterSpec refusing = spec("db", 52, AddressFamily.IPV4, false, 100, "192.0.2.101/24");
        failing = true;
        filter.sync(List.of(refusing)); // logged, not applied
        failing = false;
        filter.sync(List.of(refusing));
        final RouterSpec second = spec("mq", 53, AddressFamily.IPV4, false, 100, "192.0.2.102/24");
        failing = true;
        filter.sync(List.of(refusing, second)); // the append failed: the kernel's table is unknown
        failing = false;
        filter.sync(List.of(refusing, second));
        assertEquals(List.of("refuse [192.0.2.101]", "refuse [192.0.2.101, 192.0.2.102]"), calls,
                "after a failure the whole table is replaced, not appended to");
    }
}
