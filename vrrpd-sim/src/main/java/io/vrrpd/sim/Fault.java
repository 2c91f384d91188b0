package io.vrrpd.sim;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Something that happens to the network or a host at a scheduled virtual time
 * ({@link Simulation#schedule}). Each fault is recorded in the timeline with {@link #describe()}.
 */
public sealed interface Fault {

    /** The LAN the fault happens on. */
    Lan lan();

    /** The host it happens to, or the empty string for the whole LAN (the timeline's host column). */
    default String subject() {
        return "";
    }

    /** One sentence for the timeline. */
    String describe();

    /** The link starts losing and delaying copies as {@code quality} says. */
    record ChangeLink(Lan lan, LinkQuality quality) implements Fault {
        @Override
        public String describe() {
            return "link: " + quality.describe();
        }
    }

    /**
     * The LAN splits: hosts in different groups no longer hear each other; hosts named in no group form one
     * more group together. Copies already in flight still arrive.
     */
    record Partition(Lan lan, List<List<Host>> groups) implements Fault {
        public Partition {
            groups = groups.stream().map(List::copyOf).toList();
            for (final List<Host> group : groups) {
                for (final Host host : group) {
                    if (host.lan() != lan) {
                        throw new IllegalArgumentException(host.name() + " is not on " + lan.name());
                    }
                }
            }
        }

        @Override
        public String describe() {
            final List<Host> named = groups.stream().flatMap(List::stream).toList();
            final List<Host> rest = lan.hosts().stream().filter(host -> !named.contains(host)).toList();
            return "partition: " + Stream.concat(groups.stream(), Stream.of(rest))
                    .filter(group -> !group.isEmpty())
                    .map(group -> group.stream().map(Host::name).collect(Collectors.joining(", ", "{", "}")))
                    .collect(Collectors.joining(" | ")) + " no longer hear each other";
        }
    }

    /** The partition ends: every host on the LAN hears every other again. */
    record Heal(Lan lan) implements Fault {
        @Override
        public String describe() {
            return "partition healed: every host hears every other again";
        }
    }

    /**
     * The host stops at once (power loss, kernel panic, SIGKILL): no priority-0 advertisement, its timers and
     * the copies in flight to it are gone, and its addresses count as released.
     */
    record Crash(Host host) implements Fault {
        @Override
        public Lan lan() {
            return host.lan();
        }

        @Override
        public String subject() {
            return host.name();
        }

        @Override
        public String describe() {
            return "crash: stops at once, no priority-0 advertisement";
        }
    }

    /** The daemon stops cleanly (SIGTERM): each router gets Shutdown, so a Master sends priority 0 first. */
    record Stop(Host host) implements Fault {
        @Override
        public Lan lan() {
            return host.lan();
        }

        @Override
        public String subject() {
            return host.name();
        }

        @Override
        public String describe() {
            return "graceful stop: Shutdown event, a Master sends priority 0";
        }
    }

    /**
     * The host starts again with fresh router state and a Startup event; a host that is still up is
     * rebooted (a crash, then the start).
     */
    record Restart(Host host) implements Fault {
        @Override
        public Lan lan() {
            return host.lan();
        }

        @Override
        public String subject() {
            return host.name();
        }

        @Override
        public String describe() {
            return "restart: fresh state, Startup event";
        }
    }

    /**
     * A router's effective priority changes (a weighted check, or modify-router); no effect while its host
     * is down.
     */
    record ChangePriority(Router router, int priority) implements Fault {
        public ChangePriority {
            if (priority < 1 || priority > 254) {
                throw new IllegalArgumentException("priority: " + priority
                        + " is out of range (allowed: 1-254; the owner's 255 is fixed)");
            }
        }

        @Override
        public Lan lan() {
            return router.host().lan();
        }

        @Override
        public String subject() {
            return router.host().name();
        }

        @Override
        public String describe() {
            return "vrid " + router.config().vrid() + " " + router.config().family().display()
                    + " priority " + router.state().priority() + " -> " + priority;
        }
    }
}
