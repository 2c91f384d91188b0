package io.vrrpd.cli.doctor;

import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.ReceivedPacket;
import io.vrrpd.linux.VrrpSocket;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.wire.Advertisement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Listens on a link for VRRP advertisements for a few seconds, both families at once (a socket each, on a thread
 * each): who advertises which VRID, so an operator sees a VRID already taken before creating a router with it.
 * The sockets join the VRRP groups on the link (224.0.0.18, ff02::12) as vrrpd's do; they only receive.
 */
final class VridListener {

    /** One advertiser of one VRID, as last heard. */
    record Heard(AddressFamily family, int vrid, IpAddress source, int version, int priority, long intervalMs,
                 List<IpAddress> addresses) {
    }

    /** What was heard, and why a family could not be listened to (e.g. IPv6 disabled on the link). */
    record Result(List<Heard> heard, List<String> problems) {
    }

    private static final int MAX_PACKETS = 100_000;

    private VridListener() {
    }

    static Result listen(final String link, final long millis) {
        final Map<String, Heard> heard = new ConcurrentHashMap<>();
        final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Thread> threads = new ArrayList<>();
        for (final AddressFamily family : AddressFamily.values()) {
            threads.add(Thread.ofPlatform().daemon().name("doctor-" + family).start(() -> {
                try (VrrpSocket socket = VrrpSocket.open(family, link)) {
                    final ReceivedPacket packet = new ReceivedPacket();
                    final Advertisement view = new Advertisement();
                    final long deadline = System.nanoTime() + millis * 1_000_000L;
                    for (int count = 0; count < MAX_PACKETS; count++) {
                        final long left = (deadline - System.nanoTime()) / 1_000_000L;
                        if (left <= 0 || !socket.receive(packet, (int) Math.min(left, Integer.MAX_VALUE))) {
                            if (System.nanoTime() >= deadline) {
                                break;
                            }
                            continue;
                        }
                        remember(packet, packet.wrap(view), heard);
                    }
                } catch (ErrnoException | RuntimeException e) {
                    problems.add(family + ": " + e.getMessage());
                }
            }));
        }
        for (final Thread thread : threads) {
            try {
                thread.join(millis + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Result(List.copyOf(new TreeMap<>(heard).values()), List.copyOf(problems));
    }

    private static void remember(final ReceivedPacket packet, final Advertisement adv, final Map<String, Heard> heard) {
        if (!adv.hasFixedHeader() || adv.type() != Advertisement.TYPE_ADVERTISEMENT
                || adv.length() < adv.requiredLength(packet.family())) {
            return; // not a VRRP advertisement doctor can read: vrrpd's own counters judge malformed ones
        }
        final List<IpAddress> addresses = new ArrayList<>();
        for (int i = 0; i < adv.count(); i++) {
            addresses.add(adv.address(packet.family(), i));
        }
        final IpAddress source = packet.source();
        heard.put(packet.family() + " " + String.format("%03d", adv.vrid()) + " " + source,
                new Heard(packet.family(), adv.vrid(), source, adv.version(), adv.priority(),
                        adv.intervalNanos() / 1_000_000L, List.copyOf(addresses)));
    }
}
