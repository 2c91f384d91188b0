package io.vrrpd.cluster.membership;

import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.NameCache;

import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * {@link Membership} on JGroups: a protocol stack built in code (nothing to ship or edit), TCP between the
 * configured members, every message encrypted and authenticated with a key derived from the key file.
 *
 * <p>The stack, bottom to top, and why each layer is there:
 * <ul>
 *   <li>{@code TCP} on {@code bind:port} (no port range: a busy port is an error, not a silent move), JGroups'
 *       TCP_NIO2 on a {@link MemberOnlyServer}: before any key is checked, connections only from configured members'
 *       addresses, a bounded number of them without a complete preamble and for a bounded time, frames of at most
 *       {@link ClusterStack#MAX_FRAME_BYTES} (a stranger announcing 1 GiB frames took a daemon to 3.4 GiB). FD_SOCK2's port
 *       (+{@value ClusterSettings#FAILURE_DETECTION_PORT_OFFSET}) has the same guard;</li>
 *   <li>{@code SYM_ENCRYPT} with ChaCha20-Poly1305 (an AEAD cipher: a message that was not sealed with the key is
 *       dropped) under {@code SERIALIZE}, which turns every message, headers included, into the payload that is
 *       sealed. Both sit right on the transport, so discovery, heartbeats, suspicion checks, joins and merges are
 *       authenticated too: a host without the key is never seen, cannot keep a dead member alive with forged
 *       heartbeats and cannot inject messages;</li>
 *   <li>{@code TCPPING} with the configured members (no multicast: quorum needs a known member list anyway);</li>
 *   <li>{@code MERGE3}: partitions find each other and merge;</li>
 *   <li>{@code FD_SOCK2} (a killed process is noticed when its socket closes) and {@code FD_ALL3} (a silent host
 *       is noticed after the failure timeout), both confirmed by {@code VERIFY_SUSPECT2};</li>
 *   <li>{@code NAKACK2}, {@code UNICAST3}, {@code STABLE}: reliable FIFO broadcast and unicast;</li>
 *   <li>{@code GMS}: views; {@code FRAG4}: large messages.</li>
 * </ul>
 *
 * <p>Each member's JGroups address carries its node name and its {@code bind:port}, so a view maps to node names
 * and to configured members without any cache; quorum counts the configured {@code bind:port}s present in the view.
 *
 * <p>Listener calls run on one thread, in the order JGroups delivered them; a listener that throws is logged and
 * the next event is delivered as usual.
 */
public final class JGroupsMembership implements Membership {

    private static final System.Logger LOG = System.getLogger(JGroupsMembership.class.getName());
    static final String NODE_KEY = "vrrpd.node";
    static final String ENDPOINT_KEY = "vrrpd.endpoint";
    /** The AEAD cipher of SYM_ENCRYPT; JGroups passes the IV as an IvParameterSpec, which AES/GCM refuses. */
    static final String CIPHER = "ChaCha20-Poly1305";
    private static final long CLOSE_WAIT_MS = 5_000;

    private final ClusterSettings settings;
    private final UnaryOperator<List<Protocol>> stackHook;
    private final List<String> configured;
    /** Last node name seen at each configured endpoint, for show-cluster. */
    private final Map<String, String> seenNames = new ConcurrentHashMap<>();
    private final ExecutorService events;
    private final CountDownLatch gate = new CountDownLatch(1);
    private volatile JChannel channel;
    private volatile View jgroupsView;
    private volatile ClusterView view;
    private volatile Listener listener;
    private volatile boolean closed;

    public JGroupsMembership(final ClusterSettings settings) {
        this(settings, UnaryOperator.identity());
    }

    /** With a hook that may change the protocol stack (tests insert DISCARD to cut links). */
    JGroupsMembership(final ClusterSettings settings, final UnaryOperator<List<Protocol>> stackHook) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.stackHook = stackHook;
        this.configured = settings.members().stream().map(ClusterSettings::endpoint).toList();
        this.events = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon()
                .name("cluster-events-" + settings.nodeName()).factory());
        this.view = new ClusterView(0, List.of(settings.nodeName()), configured.isEmpty(), settings.quorumSize(),
                rows(List.of()));
    }

    @Override
    public String localNode() {
        return settings.nodeName();
    }

    @Override
    public void start(final Listener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        if (channel != null || closed) {
            throw new IllegalStateException("membership of " + settings.nodeName() + " was already started");
        }
        // Events queue up behind the gate until the duplicate-name check passed: a refused start delivers nothing.
        events.execute(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        final JChannel ch;
        try {
            ch = new JChannel(stackHook.apply(stack(secretKey())));
        } catch (IOException e) {
            closed = true;
            events.shutdownNow();
            throw e;
        } catch (Exception e) {
            closed = true;
            events.shutdownNow();
            throw new IOException("cluster " + settings.clusterName() + ": cannot build the protocol stack: " + e, e);
        }
        final String endpoint = ClusterSettings.endpoint(settings.localEndpoint());
        ch.name(settings.nodeName());
        ch.addAddressGenerator(() -> ExtendedUUID.randomUUID(settings.nodeName())
                .put(NODE_KEY, settings.nodeName().getBytes(StandardCharsets.UTF_8))
                .put(ENDPOINT_KEY, endpoint.getBytes(StandardCharsets.UTF_8)));
        ch.setReceiver(new Receiver() {
            @Override
            public void viewAccepted(final View newView) {
                onView(newView);
            }

            @Override
            public void receive(final Message msg) {
                onMessage(msg);
            }
        });
        channel = ch;
        try {
            ch.connect(settings.clusterName());
        } catch (Exception e) {
            abort(ch);
            throw new IOException("cluster " + settings.clusterName() + ": cannot join on " + endpoint + ": "
                    + rootMessage(e), e);
        }
        final String clash = duplicateOf(ch.getView(), ch.getAddress());
        if (clash != null) {
            final String message = "cluster " + settings.clusterName() + ": node name '" + settings.nodeName()
                    + "' is already used by the member at " + clash + ": every host needs its own [node] name";
            LOG.log(System.Logger.Level.ERROR, message);
            abort(ch);
            throw new IOException(message);
        }
        this.listener = listener;
        gate.countDown();
    }

    @Override
    public ClusterView view() {
        return view;
    }

    @Override
    public void send(final String node, final byte[] payload) {
        final View current = jgroupsView;
        final JChannel ch = channel;
        if (current == null || ch == null) {
            return;
        }
        Address target = null;
        for (final Address member : current.getMembers()) {
            if (node.equals(nodeName(member))) {
                target = member; // the last one: a restarted node's new incarnation joined after the old one
            }
        }
        if (target == null) {
            LOG.log(System.Logger.Level.DEBUG, "cluster: message to " + node + " dropped: not in the view");
            return;
        }
        transmit(ch, new BytesMessage(target, payload.clone()));
    }

    @Override
    public void broadcast(final byte[] payload) {
        final JChannel ch = channel;
        if (ch != null) {
            transmit(ch, new BytesMessage(null, payload.clone()));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        final JChannel ch = channel;
        if (ch != null) {
            ch.close(); // a graceful leave: the others install a new view at once, without waiting for detection
        }
        gate.countDown();
        events.shutdown();
        try {
            if (!events.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "cluster: listener still busy " + CLOSE_WAIT_MS
                        + " ms after close; abandoning it");
                events.shutdownNow();
            }
        } catch (InterruptedException e) {
            events.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The settings this membership was made with. */
    ClusterSettings settings() {
        return settings;
    }

    /** The channel (tests simulate crashes on it). */
    JChannel channel() {
        return channel;
    }

    private void abort(final JChannel ch) {
        closed = true;
        events.shutdownNow();
        ch.close();
    }

    private void transmit(final JChannel ch, final Message msg) {
        try {
            ch.send(msg);
        } catch (Exception e) {
            if (!closed) {
                LOG.log(System.Logger.Level.WARNING, "cluster: cannot send to "
                        + (msg.dest() == null ? "all" : nodeName(msg.dest())) + ": " + rootMessage(e));
            }
        }
    }

    private void onView(final View newView) {
        final ClusterView converted = convert(newView);
        jgroupsView = newView;
        view = converted;
        log(newView, converted);
        deliver(l -> l.viewChanged(converted), "view " + converted.viewId());
    }

    private void onMessage(final Message msg) {
        final Address src = msg.src();
        final View current = jgroupsView;
        if (src == null || current == null || !current.containsMember(src)) {
            // UNICAST3 delivers from anyone it can decrypt; the contract is "from a member of the current view"
            LOG.log(System.Logger.Level.DEBUG, "cluster: message from non-member " + src + " dropped");
            return;
        }
        final String from = nodeName(src);
        final byte[] payload = Arrays.copyOfRange(msg.getArray(), msg.getOffset(), msg.getOffset() + msg.getLength());
        deliver(l -> l.received(from, payload), "message from " + from);
    }

    private void deliver(final Consumer<Listener> call, final String what) {
        try {
            events.execute(() -> {
                final Listener l = listener;
                if (l == null || closed) {
                    return;
                }
                try {
                    call.accept(l);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.ERROR, "cluster: listener failed on " + what + ": " + e, e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed: nothing is delivered any more
        }
    }

    private void log(final View newView, final ClusterView cv) {
        final StringBuilder line = new StringBuilder("cluster ").append(settings.clusterName()).append(" view ")
                .append(cv.viewId()).append(": ").append(String.join(" ", cv.members()))
                .append(", coordinator ").append(cv.coordinator());
        if (configured.isEmpty()) {
            line.append(", cluster of one (always quorate)");
        } else {
            final long present = cv.configured().stream()
                    .filter(m -> m.up() && configured.contains(m.address())).count();
            line.append(", ").append(present).append(" of ").append(configured.size()).append(" members, quorum ")
                    .append(cv.quorumSize()).append(cv.quorate() ? " (quorate)" : " (NOT quorate)");
            final List<String> down = cv.configured().stream().filter(m -> !m.up())
                    .map(m -> m.address() + ("-".equals(m.node()) ? "" : " (" + m.node() + ")")).toList();
            if (!down.isEmpty()) {
                line.append(", down: ").append(String.join(", ", down));
            }
            if (!cv.quorate()) {
                line.append("; check that they run, that TCP reaches each member's port and port + ")
                        .append(ClusterSettings.FAILURE_DETECTION_PORT_OFFSET)
                        .append(", and that they share this key_file");
            }
        }
        final Set<String> names = new LinkedHashSet<>();
        for (final Address member : newView.getMembers()) {
            final String name = nodeName(member);
            if (!names.add(name) && !sameEndpointTwice(newView, name)) {
                line.append(", node name ").append(name).append(" used by two hosts");
            }
        }
        final List<String> strangers = new ArrayList<>();
        for (final Address member : newView.getMembers()) {
            final String ep = endpointOf(member);
            if (!configured.isEmpty() && !configured.contains(ep)) {
                strangers.add(nodeName(member) + " at " + ep);
            }
        }
        if (!strangers.isEmpty()) {
            line.append(", not in [cluster] members: ").append(String.join(", ", strangers));
        }
        LOG.log(cv.quorate() && strangers.isEmpty() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                line.toString());
    }

    private boolean sameEndpointTwice(final View v, final String name) {
        return v.getMembers().stream().filter(m -> name.equals(nodeName(m))).map(this::endpointOf)
                .distinct().count() == 1;
    }

    /** Another member using this node's name from another endpoint, as "ADDR:PORT", or null. */
    private String duplicateOf(final View v, final Address self) {
        if (v == null) {
            return null;
        }
        final String ownEndpoint = endpointOf(self);
        for (final Address member : v.getMembers()) {
            // The same endpoint is this host's own previous incarnation (it crashed and we hold its port now):
            // failure detection removes it shortly; refusing would keep a restarted daemon out for good.
            if (!member.equals(self) && settings.nodeName().equals(nodeName(member))
                    && !ownEndpoint.equals(endpointOf(member))) {
                return endpointOf(member);
            }
        }
        return null;
    }

    ClusterView convert(final View v) {
        final List<String> names = new ArrayList<>();
        final List<String> endpoints = new ArrayList<>();
        for (final Address member : v.getMembers()) {
            final String name = nodeName(member);
            final String ep = endpointOf(member);
            names.add(name);
            endpoints.add(ep);
            if (configured.contains(ep)) {
                seenNames.put(ep, name);
            }
        }
        final long present = configured.stream().filter(endpoints::contains).count();
        final boolean quorate = configured.isEmpty() || present >= settings.quorumSize();
        final Map<String, String> inView = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            inView.putIfAbsent(endpoints.get(i), names.get(i));
        }
        // JGroups numbers the first view 0; the contract keeps 0 for "no view yet".
        return new ClusterView(v.getViewId().getId() + 1, names, quorate, settings.quorumSize(),
                rows(List.copyOf(inView.entrySet())));
    }

    /** One row per configured member, then members of the view that are not configured. */
    private List<ClusterView.Member> rows(final List<Map.Entry<String, String>> inView) {
        final List<ClusterView.Member> rows = new ArrayList<>();
        final Map<String, String> up = new LinkedHashMap<>();
        inView.forEach(e -> up.put(e.getKey(), e.getValue()));
        for (final String ep : configured) {
            rows.add(new ClusterView.Member(up.getOrDefault(ep, seenNames.getOrDefault(ep, "-")), ep,
                    up.containsKey(ep)));
        }
        up.forEach((ep, name) -> {
            if (!configured.contains(ep)) {
                rows.add(new ClusterView.Member(name, ep, true));
            }
        });
        if (rows.isEmpty()) {
            rows.add(new ClusterView.Member(settings.nodeName(),
                    ClusterSettings.endpoint(settings.localEndpoint()), false));
        }
        return rows;
    }

    static String nodeName(final Address address) {
        if (address instanceof ExtendedUUID ext) {
            final byte[] name = ext.get(NODE_KEY);
            if (name != null) {
                return new String(name, StandardCharsets.UTF_8);
            }
        }
        final String cached = NameCache.get(address);
        return cached != null ? cached : String.valueOf(address);
    }

    private String endpointOf(final Address address) {
        if (address instanceof ExtendedUUID ext) {
            final byte[] ep = ext.get(ENDPOINT_KEY);
            if (ep != null) {
                return new String(ep, StandardCharsets.UTF_8);
            }
        }
        return "?";
    }

    /**
     * The secret of SYM_ENCRYPT: HKDF-SHA256 over the key file, bound to the cluster name (one key file may serve
     * several clusters without their traffic being interchangeable). Without a key file (a cluster of one) a
     * random key: nobody else can join, which is what a cluster of one means.
     */
    private SecretKey secretKey() throws IOException {
        final byte[] material;
        if (settings.keyFile() == null) {
            material = new byte[32];
            new SecureRandom().nextBytes(material);
        } else {
            material = settings.readKey();
        }
        try {
            final KDF hkdf = KDF.getInstance("HKDF-SHA256");
            final byte[] key = hkdf.deriveData(HKDFParameterSpec.ofExtract()
                    .addIKM(material)
                    .addSalt("vrrpd cluster key v1".getBytes(StandardCharsets.UTF_8))
                    .thenExpand(("vrrpd cluster " + settings.clusterName() + " " + CIPHER)
                            .getBytes(StandardCharsets.UTF_8), 32));
            return new SecretKeySpec(key, "ChaCha20");
        } catch (GeneralSecurityException e) {
            throw new IOException("cluster: cannot derive the message key: " + e, e);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** The protocol stack, transport first ({@link ClusterStack}). */
    List<Protocol> stack(final SecretKey key) {
        return ClusterStack.build(settings, key);
    }

    private static String rootMessage(final Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
