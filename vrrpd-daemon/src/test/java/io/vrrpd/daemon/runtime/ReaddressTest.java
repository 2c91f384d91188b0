package io.vrrpd.daemon.runtime;

import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.State;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A router's virtual addresses changed in place (modify-router -a): a Master stays Master and tells the link at
 * once — an advertisement carrying the new set, then gratuitous ARP for the addresses — instead of leaving it to
 * the next Adver_Timer (Backups would drop the old set's advertisements as address_mismatch meanwhile only if
 * they already had the new one; clients learn the new address's MAC at once). A Backup just takes the new set.
 */
class ReaddressTest {
    private static final long INTERVAL = 1_000_000_000L;

    private static RouterConfig config(final String... addresses) {
        return RouterConfig.builder("web", 51, AddressFamily.IPV4).primaryAddress("192.0.2.2")
                .virtualAddresses(addresses).priority(200).intervalNanos(INTERVAL).build();
    }

    /** What reached the wire and the kernel, in order: "advert N" (N addresses in it) and "announce". */
    private static RouterInstance router(final VrrpLoop loop, final List<String> wire) {
        return new RouterInstance(config("192.0.2.100/24"), loop,
                (message, length, source, destination, outcome) -> wire.add("advert " + (message[3] & 0xff)),
                new RouterInstance.Addresses() {
                    @Override
                    public void up() {
                    }

                    @Override
                    public void down() {
                    }

                    @Override
                    public int announce() {
                        wire.add("announce");
                        return 1;
                    }

                    @Override
                    public String vnic() {
                        return "vr4-51-2";
                    }
                }, List.of(), (r, from, to, reason) -> wire.add("transition " + from + "->" + to));
    }

    @Test
    void aMasterGivenAnotherAddressSetAdvertisesAndAnnouncesItAtOnce_andStaysMaster() {
        final VrrpLoop loop = new VrrpLoop(); // not started: the test thread plays the loop thread
        final List<String> wire = new ArrayList<>();
        final RouterInstance router = router(loop, wire);
        router.handle(new Event.Startup("test"));
        router.onTimer(router.state().masterDownTimer());
        assertEquals(State.MASTER, router.state().state());
        wire.clear();

        router.reconfigure(config("192.0.2.100/24", "192.0.2.101/24"));

        assertEquals(List.of("advert 2", "announce"), wire);
        assertEquals(State.MASTER, router.state().state());
    }

    @Test
    void aBackupGivenAnotherAddressSetSendsNothing_aMasterReconfiguredWithTheSameSetNeither() {
        final VrrpLoop loop = new VrrpLoop();
        final List<String> wire = new ArrayList<>();
        final RouterInstance backup = router(loop, wire);
        backup.handle(new Event.Startup("test"));
        assertEquals(State.BACKUP, backup.state().state());
        wire.clear();
        backup.reconfigure(config("192.0.2.100/24", "192.0.2.101/24"));
        assertEquals(List.of(), wire, "a Backup sends nothing");

        final RouterInstance master = router(loop, wire);
        master.handle(new Event.Startup("test"));
        master.onTimer(master.state().masterDownTimer());
        wire.clear();
        master.reconfigure(config("192.0.2.100/24")); // e.g. only the hooks changed: same addresses
        assertFalse(wire.contains("announce"), "nothing announced: " + wire);
        assertTrue(wire.stream().noneMatch(w -> w.startsWith("advert")), "no extra advertisement: " + wire);
    }
}
