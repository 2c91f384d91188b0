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

/**
 * The VRRP channel of one (link, address family): one raw socket and the thread that reads it, shared by
 * every router on that link and family and demultiplexed by VRID (keepalived #390 and #1333 broke with a
 * socket per instance). The receiver runs both stages of receive validation without allocating, counts
 * every verdict, and hands only accepted advertisements to the router loop ({@link AdvertisementDemux}).
 * Sends are queued and leave in one {@code sendmmsg(2)} per loop round ({@link #send}, {@link #flush}).
 */
public final class LinkChannel implements RouterInstance.Sender, VrrpLoop.Flushable, AutoCloseable {
    private static final int RECEIVE_TIMEOUT_MS = 250;

    private final String link;
    private final AddressFamily family;
    private final VrrpSocket socket;
    private final VrrpLoop loop;
    /** Validation, the routers by VRID, and the ring of accepted advertisements the loop drains. */
    private final AdvertisementDemux demux;
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

    public LinkChannel(final String link, final AddressFamily family, final VrrpLoop loop) throws ErrnoException {
        this.link = link;
        this.family = family;
        this.loop = loop;
        this.socket = VrrpSocket.open(family, link);
        this.demux = new AdvertisementDemux(link, family, loop);
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
        return demux.linkVerdicts();
    }

    /** Accepted advertisements dropped because the router loop fell behind (see {@link AdvertisementDemux}). */
    public long overflows() {
        return demux.overflows();
    }

    /** Adds or replaces the router for its VRID. Loop thread. */
    void attach(final RouterInstance router) {
        demux.attach(router);
        if (receiver.getState() == Thread.State.NEW) {
            loop.registerMailbox(demux);
            receiver.start();
        }
    }

    /** Removes the router of {@code vrid}. Loop thread. */
    void detach(final int vrid) {
        demux.detach(vrid);
    }

    public boolean isEmpty() {
        return demux.isEmpty();
    }

    @Override
    public void catchUp() {
        demux.catchUp();
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

    @Override
    public void rehearse(final byte[] message, final int length, final IpAddress source, final IpAddress destination) {
        if (length <= VrrpSocket.BATCH_MESSAGE_MAX && source != null && socket.queued() == 0) {
            socket.rehearse(message, 0, length, source, destination);
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
                    demux.countQueueDrops(packet.queueDrops());
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
        demux.dispatch(view, packet.truncated(), packet.ttl(), packet.sourceHi(), packet.sourceLo(),
                packet.destinationHi(), packet.destinationLo(), validator, packet.receivedAt());
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
        if (receiver.getState() != Thread.State.NEW) {
            loop.unregisterMailbox(demux);
        }
    }
}
