package io.vrrpd.daemon.control;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.fsm.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records what the control plane asks; refuses on request; reports every router as a Backup. When {@link #busy},
 * it behaves as the router loop under load: {@code apply} does not answer in time (UNAVAILABLE) but the change is
 * queued, and carried out by {@link #catchUp} (the loop runs its posted work in order).
 */
final class FakeRuntime implements RouterRuntime {

    final Map<String, RouterSpec> running = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    String refuse;
    boolean busy;
    private final List<RouterSpec> queued = new ArrayList<>();

    @Override
    public void apply(final RouterSpec spec) throws ControlException {
        calls.add("apply " + spec.name());
        if (refuse != null) {
            throw new ControlException(refuse);
        }
        if (busy) {
            queued.add(spec);
            throw new ControlException(ControlException.Kind.UNAVAILABLE,
                    "the router loop did not answer within 10000 ms");
        }
        running.put(spec.name(), spec);
    }

    /** The busy loop gets to the work queued meanwhile. */
    void catchUp() {
        busy = false;
        queued.forEach(spec -> running.put(spec.name(), spec));
        queued.clear();
    }

    @Override
    public void remove(final String name) {
        calls.add("remove " + name);
        running.remove(name);
    }

    @Override
    public void clear(final String name) throws ControlException {
        calls.add("clear " + name);
        if (refuse != null) {
            throw new ControlException(refuse);
        }
    }

    @Override
    public RouterStatus status(final String name) {
        final RouterSpec spec = running.get(name);
        return new RouterStatus(spec.enabled() ? AdminState.ONLINE : AdminState.DISABLED, State.BACKUP,
                State.INITIALIZE, 1_000_000_000L, "started", "vrrp4-" + spec.vrid(), IpAddress.parse("192.0.2.1"),
                new RouterStatus.Peer(IpAddress.parse("192.0.2.2"), 200, 1_000_000_000L, 2_500_000_000L,
                        io.vrrpd.protocol.wire.ChecksumForm.MESSAGE_ONLY),
                3_609_375_000L, new RouterStatus.Statistics(10, 20, 1,
                        new java.util.LinkedHashMap<>(java.util.Map.of("bad_ttl", 3L)), 2, 1, 0, 15, 5));
    }
}
