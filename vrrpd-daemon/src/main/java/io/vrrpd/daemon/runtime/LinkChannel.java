package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.ErrnoException;
import io.vrrpd.linux.ReceivedPacket;
import io.vrrpd.linux.VrrpSocket;
import io.vrrpd.protocol.AddressFamily;
import io.vrrpd.protocol.AuthPass;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.wire.Advertisement;
import io.vrrpd.protocol.wire.ReceiveValidator;
import io.vrrpd.protocol.wire.Verdict;
import io.vrrpd.protocol.wire.VerdictCounters;

import java.util.Map;

/**
 * The VRRP channel of one (link, address family): one raw socket and the thread that reads it, shared by
 * every router on that link and family and demultiplexed by VRID (keepalived #390 and #1333 broke with a
 * socket per instance). The receiver runs both stages of receive validation without allocating, counts
 * every verdict, and posts only accepted advertisements to the router loop.
 */
public final class LinkChannel implements RouterInstance.Sender, VrrpLoop.Flushable, AutoCloseable {
    private static final int RECEIVE_TIMEOUT_MS = 250;

    private final String link;
    private final AddressFamily family;
    private final VrrpSocket socket;
    private final VrrpLoop loop;
    /** Stage-1 verdicts and unknown VRIDs: the link's own counters. */
    private final VerdictCounters linkVerdicts = new VerdictCounters();
    /** Routers by VRID; replaced whole (copy on write) by the loop thread, read by the receiver. */
    private volatile Map<Integer, RouterInstance> routers = Map.of();
    private final Thread receiver;
    private volatile boolean running = true;
    /** Receiver thread only: a socket error repeats per packet, its line at most once a second. */
    private final LogLimit receiveErrorLog = new LogLimit();
    /** Loop thread: the routers' outcomes and destinations of the queued sends, by batch slot. */
    private final RouterInstance.SendOutcome[] batchOutcomes = new RouterInstance.SendOutcome[VrrpSocket.BATCH_SLOTS];
    private final IpAddress[] batchDestinations = new IpAddress[VrrpSocket.BATCH_SLOTS];
    /** Tells each router what became of its queued advertisement (one object: a flush allocates nothing). */
    private final VrrpSocket.BatchOutcome batchOutcome = new VrrpSocket.BatchOutcome() {
        @Override
        public void sent(final int slot) {
            batchOutcomes[slot].sent(batchDestinations[slot]);
        }

        @Override
        public void failed(final int slot, final ErrnoException e) {
            batchOutcomes[slot].failed(batchDestinations[slot], e);
        }
    };
    /** A peer with another password sends one a second or faster: one line a second says so, counters say how many. */
    private final LogLimit authMismatchLog = new LogLimit();

    public LinkChannel(final String link, final AddressFamily family, final VrrpLoop loop) throws ErrnoException {
        this.link = link;
        this.family = family;
        this.loop = loop;
        this.socket = VrrpSocket.open(family, link);
        this.receiver = Thread.ofPlatform().name("vrrp-rx-" + link + "-" + family).daemon(true).unstarted(this::receive);
        receiver.setPriority(Thread.MAX_PRIORITY);
        // Started by the first attach: a packet read before its router is attached would be counted as an
        // unknown VRID (FrrInteropIT saw one when the peer's advertisement beat the attach by microseconds).
        // Packets that arrive meanwhile wait in the socket's buffer.
    }

    public String link() {
        return link;
    }

    public AddressFamily family() {
        return family;
    }

    public int ifindex() {
        return socket.ifindex();
    }

    public VerdictCounters linkVerdicts() {
        return linkVerdicts;
    }

    /** Adds or replaces the router for its VRID. Loop thread. */
    void attach(final RouterInstance router) {
        final java.util.HashMap<Integer, RouterInstance> next = new java.util.HashMap<>(routers);
        next.put(router.config().vrid(), router);
        routers = Map.copyOf(next);
        if (receiver.getState() == Thread.State.NEW) {
            receiver.start();
        }
    }

    /** Removes the router of {@code vrid}. Loop thread. */
    void detach(final int vrid) {
        final java.util.HashMap<Integer, RouterInstance> next = new java.util.HashMap<>(routers);
        next.remove(vrid);
        routers = Map.copyOf(next);
    }

    public boolean isEmpty() {
        return routers.isEmpty();
    }

    /**
     * Queues an encoded advertisement for the loop's next {@link VrrpLoop#flushSends} (one {@code sendmmsg} for
     * every Master of this link due in the same tick); one too long for a batch slot, or without a source, is
     * sent at once, after what was queued. Loop thread (the socket's only sender).
     */
    @Override
    public void send(final byte[] message, final int length, final IpAddress source, final IpAddress destination,
                     final RouterInstance.SendOutcome outcome) {
        if (length > VrrpSocket.BATCH_MESSAGE_MAX || source == null) {
            flush();
            try {
                socket.send(message, 0, length, source, destination);
                outcome.sent(destination);
            } catch (ErrnoException e) {
                outcome.failed(destination, e);
            }
            return;
        }
        if (socket.batchFull()) {
            flush();
        }
        final int slot = socket.queue(message, 0, length, source, destination);
        batchOutcomes[slot] = outcome;
        batchDestinations[slot] = destination;
        if (slot == 0) {
            loop.flushLater(this);
        }
    }

    /** Sends what {@link #send} queued: one {@code sendmmsg(2)}, each router told its outcome. Loop thread. */
    @Override
    public void flush() {
        final int count = socket.queued();
        if (count == 0) {
            return;
        }
        try {
            socket.flush(batchOutcome);
        } finally {
            java.util.Arrays.fill(batchOutcomes, 0, count, null);
            java.util.Arrays.fill(batchDestinations, 0, count, null);
        }
    }

    private void receive() {
        VrrpLoop.tuneThisThread("receiver on " + link);
        final ReceivedPacket packet = new ReceivedPacket();
        final Advertisement view = new Advertisement();
        final ReceiveValidator validator = new ReceiveValidator();
        while (running) {
            try {
                if (socket.receive(packet, RECEIVE_TIMEOUT_MS)) {
                    dispatch(packet, view, validator);
                }
            } catch (ErrnoException e) {
                if (running) {
                    receiveErrorLog.error("[" + link + " " + family + "] receive failed: " + e.getMessage());
                    sleepQuietly();
                }
            } catch (RuntimeException e) {
                if (running) {
                    receiveErrorLog.error("[" + link + " " + family + "] receive: " + e);
                }
            }
        }
    }

    private void dispatch(final ReceivedPacket packet, final Advertisement view, final ReceiveValidator validator) {
        packet.wrap(view);
        final IpAddress source = packet.source();
        Verdict verdict = packet.truncated() ? Verdict.TRUNCATED
                : validator.checkPacket(view, family, packet.ttl(), source, packet.destination());
        if (!verdict.accepted()) {
            linkVerdicts.increment(verdict);
            return;
        }
        final RouterInstance router = routers.get(view.vrid());
        if (router == null) {
            linkVerdicts.increment(Verdict.UNKNOWN_VRID);
            return;
        }
        verdict = ReceiveValidator.checkForRouter(view, source, router.config(), router.config().priority());
        if (verdict.accepted() && !router.acceptsSource(source)) {
            verdict = Verdict.UNKNOWN_PEER;
        }
        router.verdicts().increment(verdict);
        if (!verdict.accepted()) {
            router.dropped(source, view.priority(), verdict, System.nanoTime()); // for the takeover's reason
        }
        if (verdict == Verdict.AUTH_MISMATCH) {
            final String suffix = authMismatchLog.admit(System.nanoTime());
            if (suffix != null) {
                Log.warn(router.config().logPrefix() + " dropped an advertisement from " + source + ": auth_mismatch ("
                        + authMismatchReason(view.authType(), router.config().authPass() != null) + ")" + suffix);
            }
        }
        if (verdict.accepted()) {
            final int priority = view.priority();
            final long interval = view.intervalNanos();
            final var form = validator.lastChecksumForm();
            loop.post(() -> router.received(source, priority, interval, form));
        }
    }

    /**
     * Why a v2 advertisement failed the authentication check, for the operator: what the peer sends and what
     * this router expects. Never a password: neither ours nor the one the peer sent.
     */
    static String authMismatchReason(final int receivedType, final boolean passConfigured) {
        final String expected = passConfigured ? "this router expects auth type 1 (PASS, --auth-pass)"
                : "this router expects auth type 0 (none; set --auth-pass for a PASS peer)";
        return switch (receivedType) {
            case 0 -> "the peer sends no authentication (auth type 0); " + expected;
            case AuthPass.AUTH_TYPE_SIMPLE_TEXT -> passConfigured ? "the peer's password (auth type 1, PASS) differs"
                    : "the peer sends auth type 1 (PASS); " + expected;
            case AuthPass.AUTH_TYPE_AH -> "the peer sends auth type 2 (IP Authentication Header), which vrrpd does"
                    + " not support (RFC 3768 removed it; use PASS or none); " + expected;
            default -> "the peer sends auth type " + receivedType + ", which no RFC defines; " + expected;
        };
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the socket after sending what is queued (a deleted last router's priority 0). Loop thread. */
    @Override
    public void close() {
        flush();
        running = false;
        try {
            receiver.join(RECEIVE_TIMEOUT_MS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
    }
}
