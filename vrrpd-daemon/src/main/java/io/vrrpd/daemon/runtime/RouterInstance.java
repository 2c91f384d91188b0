package io.vrrpd.daemon.runtime;

import io.vrrpd.linux.ErrnoException;
import io.vrrpd.protocol.IpAddress;
import io.vrrpd.protocol.RouterConfig;
import io.vrrpd.protocol.fsm.Action;
import io.vrrpd.protocol.fsm.Event;
import io.vrrpd.protocol.fsm.RouterState;
import io.vrrpd.protocol.fsm.RouterStateMachine;
import io.vrrpd.protocol.fsm.State;
import io.vrrpd.protocol.fsm.TimerKind;
import io.vrrpd.protocol.fsm.Timing;
import io.vrrpd.protocol.fsm.Transition;
import io.vrrpd.protocol.wire.ChecksumForm;
import io.vrrpd.protocol.wire.Verdict;
import io.vrrpd.protocol.wire.VerdictCounters;

import java.io.IOException;
import java.util.List;

/**
 * One running virtual router: its configuration, the core's state, and the driver that carries out the
 * core's actions on Linux. Loop thread only, except {@link #config()} and {@link #verdicts()}, which the
 * receiver thread reads.
 *
 * <p>Every state change goes through {@link #apply}: one log line
 * {@code [web vrid 51 IPv4] BACKUP -> MASTER (reason)}, a transition counter, and the listener.
 */
public final class RouterInstance implements VrrpLoop.TimerOwner {
    /** Told of every state change (hooks, metrics, tests). Loop thread. */
    public interface Listener {
        void stateChanged(RouterInstance router, State from, State to, String reason);
    }

    /** Where advertisements leave: the link's {@link LinkChannel}. Loop thread. */
    interface Sender {
        /**
         * Sends {@code message} now or queues it (copied: the array may be reused at once) for the loop's next
         * {@link VrrpLoop#flushSends}, which ends every timer round and posted task; {@code outcome} is told
         * either way, on the loop thread.
         */
        void send(byte[] message, int length, IpAddress source, IpAddress destination, SendOutcome outcome);

        /**
         * Hands this link's received advertisements still waiting for the loop to their routers now (a loop behind
         * a flood holds them in a ring, handed over a budget a round). Loop thread.
         */
        default void catchUp() {
        }

        /**
         * Runs the path {@link #send} and the flush would take for {@code message}, without sending it: a Backup
         * about to take over brings that code into the CPU's caches ({@link VrrpLoop#armPrecise}). Loop thread.
         */
        default void rehearse(byte[] message, int length, IpAddress source, IpAddress destination) {
        }
    }

    /** What became of one advertisement given to the {@link Sender}. Loop thread. */
    interface SendOutcome {
        void sent(IpAddress destination);

        void failed(IpAddress destination, ErrnoException e);
    }

    /** The router's addresses in the kernel: its {@link RouterPlumbing}. Loop thread. */
    interface Addresses {
        /** Master: the addresses answer. */
        void up() throws IOException;

        /** Not Master: they stop answering. */
        void down() throws IOException;

        /** Gratuitous ARP / unsolicited NA for each address; how many were sent. */
        int announce() throws IOException;

        /** The VNIC's name (the parent link in real-MAC mode), for log lines. */
        String vnic();
    }

    /** Transition lines a second: a real failover writes 1-3, a stranger flipping us back and forth no more. */
    static final int TRANSITION_LINES_PER_SECOND = 10;

    private volatile RouterConfig config;
    private volatile RouterState state;
    private final VrrpLoop loop;
    private final Sender channel;
    private final Addresses plumbing;
    // The kernel steps of a takeover and a release, made once here and not at that moment: a lambda, a method
    // reference or a string concatenation runs its bootstrap (class spinning, ~1-2 ms each on JDK 25 without
    // AOT-linked classes) the first time it is evaluated, and these were evaluated as kernel()'s arguments, before
    // it flushed a new Master's first advertisement: a daemon's first takeover at 10 ms adverts came 2-4 ms late
    // (bench/failover.sh; WarmupTest#aFirstTakeoversAdvertisementLeavesBeforeAnyClassIsSpun).
    private final KernelStep up;
    private final KernelStep down;
    private final KernelStep announceStep;
    private final String upWhat;
    private final String downWhat;
    private final Runnable downLater;
    private final Listener listener;
    private final int timerSlot;
    private final VerdictCounters verdicts = new VerdictCounters();
    private final RouterCounters counters = new RouterCounters();
    /** The time of the last step (monotonic ns): a receipt read earlier is not stepped before it. Loop thread. */
    private long lastStepAt = System.nanoTime();
    private volatile ChecksumForm peerChecksumForm;
    /**
     * The last advertisement for this VRID that receive validation dropped (§7.1: another address list, another
     * v2 interval or password, a stranger), written by the receiver thread. The state machine never sees
     * those; a takeover's reason names it when it was the last thing heard, so "no advertisement from any
     * Master" is never the whole story while a peer speaks in a way we cannot accept.
     */
    private volatile DroppedAdvertisement lastDropped;
    /** The reason of the last transition as logged: the core's, plus what was dropped (see {@link #lastDropped}). */
    private volatile String lastReason;
    private volatile long lastTransitionNanos = System.nanoTime();
    /** Its advertisements: encoded (ahead, while Backup), sent, rehearsed. */
    private final RouterAdvertisements advertisements;
    /** Every line a stranger's packets can cause is rate-limited, one limit per reason (see {@link LogLimit}). */
    private final LogLimit conflictLog = new LogLimit();
    private final LogLimit kernelErrorLog = new LogLimit();
    private final LogLimit transitionLog = new LogLimit(TRANSITION_LINES_PER_SECOND);
    private final List<IpAddress> unicastPeers;
    /** Announcement bursts on becoming Master and the time between them: switches and hosts that missed
     * the first burst re-learn. */
    private volatile int announceCount = 3;
    private volatile long announceIntervalNanos = 1_000_000_000L;
    private final int announceSlot;
    private int announcementsLeft;

    RouterInstance(final RouterConfig config, final VrrpLoop loop, final Sender channel,
                   final Addresses plumbing, final List<IpAddress> unicastPeers, final Listener listener) {
        this(config, loop, channel, plumbing, unicastPeers, null, listener);
    }

    /**
     * @param unicastSource IPv6 only: the source for unicast peers named by a global address
     *                      ({@link LinkView#unicastSource}); null: every advertisement from the primary address
     */
    RouterInstance(final RouterConfig config, final VrrpLoop loop, final Sender channel,
                   final Addresses plumbing, final List<IpAddress> unicastPeers, final IpAddress unicastSource,
                   final Listener listener) {
        this.config = config;
        this.state = RouterState.initial(config);
        this.loop = loop;
        this.channel = channel;
        this.plumbing = plumbing;
        this.up = plumbing::up;
        this.down = plumbing::down;
        this.announceStep = () -> counters.announcements += plumbing.announce();
        this.upWhat = "bring " + plumbing.vnic() + " up";
        this.downWhat = "take " + plumbing.vnic() + " down";
        this.downLater = () -> kernel(downWhat, down);
        this.listener = listener;
        this.unicastPeers = List.copyOf(unicastPeers);
        this.advertisements = new RouterAdvertisements(channel, counters, this.unicastPeers, unicastSource);
        this.timerSlot = loop.register(this);
        this.announceSlot = loop.register(this::repeatAnnouncement);
    }

    /**
     * With unicast peers configured, only they may speak for the VRID: a stray sender (a host someone else
     * configured with the same VRID, or a spoofer on another subnet) is dropped. Receiver thread.
     */
    boolean acceptsSource(final IpAddress source) {
        return unicastPeers.isEmpty() || unicastPeers.contains(source);
    }

    /**
     * Why a lower-priority Master may go on advertising over an address owner: when the owner advertises from the
     * address it owns and the peer, having taken over, holds that address itself, the peer's Linux kernel drops
     * the owner's advertisements as a martian source (a packet from one of its own addresses) before its VRRP
     * daemon sees them, so it never returns to Backup (KeepalivedInteropIT, FrrInteropIT: both Masters).
     */
    static String ownerHint(final RouterConfig config) {
        if (!config.owner() || config.family() != io.vrrpd.protocol.AddressFamily.IPV4
                || !config.addresses().contains(config.primaryAddress())) {
            return "";
        }
        return " (it does not hear us if it holds " + config.primaryAddress() + " itself: a Linux peer drops packets"
                + " from an address it holds unless net.ipv4.conf.all.accept_local=1 there)";
    }

    /** The source for global IPv6 unicast peers, or null (see the constructor). */
    IpAddress unicastSource() {
        return advertisements.unicastSource();
    }

    public RouterConfig config() {
        return config;
    }

    public RouterState state() {
        return state;
    }

    public VerdictCounters verdicts() {
        return verdicts;
    }

    public RouterCounters counters() {
        return counters;
    }

    /** The checksum form of the last accepted advertisement's sender, or null if none yet. */
    public ChecksumForm peerChecksumForm() {
        return peerChecksumForm;
    }

    /**
     * Receive validation dropped an advertisement for this router (receiver thread). Our own advertisements
     * coming back are not heard from anyone; they are not recorded.
     */
    void dropped(final IpAddress source, final int priority, final Verdict verdict, final long receivedAt) {
        if (verdict != Verdict.OWN_ADVERTISEMENT && !verdict.accepted()) {
            lastDropped = new DroppedAdvertisement(source, priority, verdict, receivedAt);
        }
    }

    /** Why the last transition happened, as its log line says; the core's reason before the first. */
    public String lastReason() {
        final String logged = lastReason;
        return logged != null ? logged : state.lastReason();
    }

    /** Monotonic time of the last state change (for STAT_LAST). */
    public long lastTransitionNanos() {
        return lastTransitionNanos;
    }

    /** Feeds one event to the core and carries out its actions. Loop thread. */
    public void handle(final Event event) {
        handle(event, System.nanoTime());
    }

    /**
     * {@link #handle} at {@code now}. Allocates only what the step makes (its new state and actions): this runs
     * 10,000 times a second at 1000 routers x 100 ms, so the actions are walked by index, not by an iterator.
     */
    private void handle(final Event event, final long now) {
        handle(event, now, 0);
    }

    /** {@link #handle} carrying out the step's actions from {@code firstAction} on (the ones before are done). */
    private void handle(final Event event, final long now, final int firstAction) {
        lastStepAt = now;
        final Transition transition = RouterStateMachine.step(config, state, event, now);
        state = transition.state();
        final List<Action> actions = transition.actions();
        for (int i = firstAction; i < actions.size(); i++) {
            apply(actions.get(i), now);
        }
    }

    /** An advertisement accepted for this router, received now. Loop thread. */
    void received(final IpAddress source, final int priority, final long intervalNanos, final ChecksumForm form) {
        received(source, priority, intervalNanos, form, System.nanoTime());
    }

    /**
     * An advertisement the receiver accepted for this router, received by the kernel at {@code receivedAt} (monotonic
     * ns; {@link io.vrrpd.linux.ReceivedPacket#receivedAt}). The step takes that as its time, so the Master_Down_Timer
     * it arms runs from the advertisement's arrival, as RFC 5798 counts it, not from the receiver's wake-up and the
     * loop's turn to handle it (0.25-0.4 ms later on a quiet host, all of it added to a takeover) — within
     * {@link #stepTime}'s bounds. Loop thread.
     */
    void received(final IpAddress source, final int priority, final long intervalNanos, final ChecksumForm form,
                  final long receivedAt) {
        counters.advertisementsReceived++;
        if (form == ChecksumForm.MESSAGE_ONLY) {
            counters.receivedMessageOnly++;
        } else {
            counters.receivedPseudoHeader++;
        }
        peerChecksumForm = form;
        if (Log.debugEnabled()) { // the check first: no string is built on the loop unless debug is on
            Log.debug(config.logPrefix() + " advertisement from " + source + " priority " + priority + " every "
                    + intervalNanos / 1_000_000L + " ms (" + form.display() + " checksum), in " + state.state());
        }
        handle(new Event.AdvertisementReceived(source, priority, intervalNanos),
                stepTime(receivedAt, System.nanoTime(), lastStepAt));
    }

    /**
     * How far before the loop's time a received advertisement may be stepped: the receiver's wake-up and the hop to
     * the loop (0.25-0.4 ms on a quiet host, a little over 1 ms on a busy one). A longer delay is a backlog — a
     * receiver or a loop behind a flood — and an advertisement that waited in it must not make the Backup take over
     * from a Master whose later advertisements are still queued: there the loop's time counts, as it did before,
     * less this.
     */
    static final long RECEIPT_CREDIT_NANOS = 2_000_000L;

    /**
     * The time a received advertisement is stepped at: when the kernel received it ({@code receivedAt}), but no
     * earlier than {@link #RECEIPT_CREDIT_NANOS} before the loop's {@code now} nor than the router's last step (its
     * time only moves forward), and never after {@code now}.
     */
    static long stepTime(final long receivedAt, final long now, final long lastStepAt) {
        long at = receivedAt - now > 0 ? now : receivedAt;
        if (now - at > RECEIPT_CREDIT_NANOS) {
            at = now - RECEIPT_CREDIT_NANOS;
        }
        return at - lastStepAt > 0 ? at : lastStepAt;
    }

    @Override
    public void onTimer(final long now) {
        final TimerKind armed = state.adverTimer() != RouterState.NOT_ARMED ? TimerKind.ADVER_TIMER
                : state.masterDownTimer() != RouterState.NOT_ARMED ? TimerKind.MASTER_DOWN_TIMER : null;
        if (armed == null) {
            return;
        }
        final long deadline = state.deadline(armed);
        if (armed == TimerKind.MASTER_DOWN_TIMER) {
            // A loop behind (a flood, a starved host) may hold the Master's advertisement, received before this
            // deadline, in the link's ring: handed over first, it re-arms the timer, and a Backup does not take
            // over from a Master that spoke (CI, HostilePacketsIT: h2 "no advertisement from h1 for 1054 ms" during
            // a flood of 8,000 a second, its 722 ms timer 332 ms late).
            channel.catchUp();
            if (state.masterDownTimer() != deadline) {
                return;
            }
        }
        loop.recordLateness(armed == TimerKind.ADVER_TIMER ? VrrpLoop.grouped(deadline) : deadline, now);
        final Event.TimerFired fired = Event.TimerFired.of(armed);
        final int first = RouterStateMachine.advertisesFirst(state, fired, now);
        if (first < 0) {
            handle(fired, now);
            return;
        }
        // A takeover: its first advertisement leaves before the step, which builds the reason text (cold code in a
        // Backup: 0.1-0.4 ms measured between the timer and the wire at 10 ms adverts). Already encoded while Backup
        // (RouterAdvertisements.prepare), it is only queued and flushed here; the step's own first action, the same
        // advertisement, is skipped.
        advertisements.send(config, first);
        loop.flushSends();
        handle(fired, now, 1);
    }

    /**
     * The Master_Down_Timer comes due at {@code deadline}, within {@link VrrpLoop#PRECISE_LEAD_NANOS}: runs the
     * takeover's code without its effects — the link's catch-up, the state machine's step (pure: its result is
     * dropped), the advertisement queued and taken back — so that at the deadline it runs from the CPU's caches.
     * Loop thread.
     */
    @Override
    public void rehearse(final long deadline) {
        if (state.state() != State.BACKUP || state.masterDownTimer() != deadline) {
            return;
        }
        channel.catchUp();
        final Event.TimerFired fired = Event.TimerFired.of(TimerKind.MASTER_DOWN_TIMER);
        final int first = RouterStateMachine.advertisesFirst(state, fired, deadline);
        RouterStateMachine.step(config, state, fired, deadline);
        if (first >= 0 && state.masterDownTimer() == deadline) {
            advertisements.rehearse(config, first);
        }
    }

    /**
     * Takes a new configuration (modify-router). The next advertisement carries it; a Master whose virtual
     * addresses changed (in place, {@link RouterPlumbing#readdress}) advertises them at once and announces them
     * (gratuitous ARP / unsolicited NA), so the Backups and the clients learn the new set without waiting.
     * Loop thread.
     */
    void reconfigure(final RouterConfig next) {
        final boolean readdressed = !next.virtualAddresses().equals(config.virtualAddresses());
        this.config = next;
        advertisements.forget();
        if (readdressed && state.state() == State.MASTER) {
            advertisements.send(next, state.priority());
            announce(System.nanoTime());
        }
        if (next.priority() != state.priority() && !next.owner()) {
            handle(new Event.PriorityChanged(next.priority(), "priority set to " + next.priority()));
        }
        if (state.state() == State.BACKUP) {
            advertisements.prepare(next, state.priority()); // the new configuration's, ahead of a takeover
        }
    }

    /**
     * Kernel work held back while {@link #deferKernelWork} is on: taking a VNIC down waits for the kernel
     * (~25 ms here, an RCU grace period), so when many routers leave at once (SIGTERM) every priority-0
     * advertisement goes out first and the VNICs go down after.
     */
    private List<Runnable> deferred;

    /** Holds back (true) or stops holding back (false, returning the held work) releases. Loop thread. */
    List<Runnable> deferKernelWork(final boolean defer) {
        final List<Runnable> held = deferred == null ? List.of() : deferred;
        deferred = defer ? new java.util.ArrayList<>() : null;
        return held;
    }

    /** Forgets the timer slots (delete-router). Loop thread. */
    void close() {
        loop.unregister(timerSlot);
        loop.unregister(announceSlot);
    }

    private void repeatAnnouncement(final long now) {
        if (state.state() != State.MASTER || announcementsLeft <= 0) {
            return;
        }
        announcementsLeft--;
        kernel("announce addresses", announceStep);
        if (announcementsLeft > 0) {
            loop.arm(announceSlot, now + announceIntervalNanos);
        }
    }

    private void announce(final long now) {
        kernel("announce addresses", announceStep);
        announcementsLeft = announceCount - 1;
        if (announcementsLeft > 0) {
            loop.arm(announceSlot, now + announceIntervalNanos);
        }
    }

    /** How many announcement bursts becoming Master sends, and how far apart. Loop thread. */
    void announcements(final int count, final long intervalNanos) {
        this.announceCount = count;
        this.announceIntervalNanos = intervalNanos;
    }

    private void apply(final Action action, final long now) {
        switch (action) {
            case Action.SendAdvertisement send -> advertisements.send(config, send.priority());
            // Adver_Timers are grouped (VrrpLoop.armGrouped): periodic, re-armed from their deadline. A
            // Master_Down_Timer is not: a takeover must not wait for the grid, nor for the park's wake-up.
            case Action.ArmTimer arm when arm.timer() == TimerKind.ADVER_TIMER -> loop.armGrouped(timerSlot, arm.deadlineNanos());
            case Action.ArmTimer arm -> loop.armPrecise(timerSlot, arm.deadlineNanos());
            case Action.CancelTimer cancel -> loop.disarm(timerSlot);
            case Action.ClaimAddresses claim -> kernel(upWhat, up);
            case Action.ReleaseAddresses release -> {
                announcementsLeft = 0;
                loop.disarm(announceSlot);
                if (deferred != null) {
                    deferred.add(downLater);
                } else {
                    kernel(downWhat, down);
                }
            }
            case Action.Announce announce -> announce(now);
            case Action.StateChanged changed -> stateChanged(changed, now);
            case Action.MasterConflict conflict -> {
                counters.masterConflicts++;
                final String suffix = conflictLog.admit(now);
                if (suffix != null) {
                    Log.warn(config.logPrefix() + " another Master " + conflict.peer() + " (priority "
                            + conflict.peerPriority() + ") is advertising; we stay Master and re-assert"
                            + ownerHint(config) + suffix);
                }
            }
        }
    }

    private void stateChanged(final Action.StateChanged given, final long now) {
        final Action.StateChanged changed = new Action.StateChanged(given.from(), given.to(),
                given.reason() + DroppedAdvertisement.takeoverSuffix(lastDropped, given, config, state, now));
        lastReason = changed.reason();
        counters.transition(changed.from(), changed.to());
        lastTransitionNanos = now;
        if (changed.to() == State.BACKUP) {
            advertisements.prepare(config, state.priority()); // ahead of a takeover (onTimer)
        }
        final String suffix = transitionLog.admit(now);
        if (suffix != null) {
            Log.info(config.logPrefix() + " " + changed.from() + " -> " + changed.to() + " (" + changed.reason() + ")"
                    + (suffix.isEmpty() ? "" : suffix.replace("more", "more transitions")));
        }
        listener.stateChanged(this, changed.from(), changed.to(), changed.reason());
    }

    private interface KernelStep {
        void run() throws IOException;
    }

    private void kernel(final String what, final KernelStep step) {
        // Advertisements queued before this (a new Master's first) leave before the kernel work, as they did
        // when each was sent at once: the RFC's order (§6.4.2: advertise, then ARP), and no priority-0
        // advertisement waits for a VNIC's ~25 ms teardown.
        loop.flushSends();
        try {
            step.run();
        } catch (IOException e) {
            counters.kernelErrors++;
            final String suffix = kernelErrorLog.admit(System.nanoTime());
            if (suffix != null) {
                Log.error(config.logPrefix() + " could not " + what + ": " + e.getMessage() + suffix);
            }
        }
    }
}
