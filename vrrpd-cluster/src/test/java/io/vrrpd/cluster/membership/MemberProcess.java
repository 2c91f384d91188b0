package io.vrrpd.cluster.membership;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A cluster member in a process of its own, for tests that kill it with SIGKILL:
 * {@code MemberProcess NODE PORT KEY_FILE MEMBER_PORT...} on 127.0.0.1. Prints each view's members; exits when
 * its standard input closes (so a failed test leaves no process behind).
 */
public final class MemberProcess {
    private MemberProcess() {
    }

    public static void main(final String[] args) throws Exception {
        final InetAddress loopback = InetAddress.getLoopbackAddress();
        final List<InetSocketAddress> members = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            members.add(new InetSocketAddress(loopback, Integer.parseInt(args[i])));
        }
        final ClusterSettings settings = new ClusterSettings("test", args[0], loopback, Integer.parseInt(args[1]),
                members, Path.of(args[2]), new ClusterSettings.Timing(100, 500, 250, 500, 1_000));
        try (JGroupsMembership m = new JGroupsMembership(settings)) {
            m.start(new Membership.Listener() {
                @Override
                public void viewChanged(final ClusterView view) {
                    System.out.println("view " + String.join(" ", view.members()));
                    System.out.flush();
                }

                @Override
                public void received(final String from, final byte[] payload) {
                }
            });
            while (System.in.read() >= 0) {
                // wait for the parent to go away
            }
        }
    }
}
