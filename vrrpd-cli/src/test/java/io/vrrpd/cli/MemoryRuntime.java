package io.vrrpd.cli;

import io.vrrpd.daemon.config.RouterSpec;
import io.vrrpd.daemon.config.RouterStore;
import io.vrrpd.daemon.control.AdminState;
import io.vrrpd.daemon.control.ControlException;
import io.vrrpd.daemon.control.ControlServer;
import io.vrrpd.daemon.control.RouterControl;
import io.vrrpd.daemon.control.RouterRuntime;
import io.vrrpd.daemon.control.RouterStatus;
import io.vrrpd.protocol.ManualClock;
import io.vrrpd.protocol.fsm.State;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The router runtime of vrrpadm's tests against the daemon's real router verbs: no kernel, every router an INIT one
 * whose status depends only on its spec (offline, or disabled). Shared by the tests that used to carry a copy each.
 */
final class MemoryRuntime implements RouterRuntime {
    private final Map<String, RouterSpec> routers = new HashMap<>();

    /** A control socket at {@code socket} serving the daemon's router verbs on {@code store}, with this runtime. */
    static ControlServer serve(final Path socket, final RouterStore store) throws IOException {
        return ControlServer.start(socket, RouterControl.open(store, new MemoryRuntime(), new ManualClock(0)));
    }

    @Override
    public void apply(final RouterSpec spec) {
        routers.put(spec.name(), spec);
    }

    @Override
    public void remove(final String name) {
        routers.remove(name);
    }

    @Override
    public void clear(final String name) throws ControlException {
        throw new ControlException("router '" + name + "' is not in maintenance");
    }

    @Override
    public RouterStatus status(final String name) {
        final AdminState admin = routers.get(name).enabled() ? AdminState.OFFLINE : AdminState.DISABLED;
        return new RouterStatus(admin, State.INITIALIZE, null, 0, null, null, null, null, 0, null);
    }
}
