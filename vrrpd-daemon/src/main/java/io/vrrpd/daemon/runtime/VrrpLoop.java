package io.vrrpd.daemon.runtime;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that owns every router's state (Agrona's Agent shape: a duty cycle of "run posted work,
 * fire due timers, park until the next deadline"). Receiver threads and the control socket never touch a
 * router: they {@link #post} work here. So the pure state machine is stepped by one thread only, without
 * locks, in the order events happened.
 *
 * <p>Timers: one {@link DeadlineHeap} slot per timer owner; the thread parks until the earliest deadline
 * ({@code LockSupport.parkNanos}, no busy-wait) and is unparked by {@link #post}. Lateness (how long after its deadline a
 * timer ran) is recorded so an operator can see a stalled scheduler (keepalived #1955) as a number.
 */
public final class VrrpLoop implements AutoCloseable {
    /** Owner of a timer slot: told when its deadline passed. */
    public interface TimerOwner {
        void onTimer(long now);

        /**
         * Its {@link #armPrecise} timer comes due at {@code deadline}, {@link #PRECISE_LEAD_NANOS} or less from now:
         * runs, without effects, the code {@link #onTimer} will run then, so that code and its data are in the CPU's
         * caches at the deadline. Loop thread.
         */
        default void rehearse(final long deadline) {
        }
    }

    /** Holds sends queued during a timer round or a posted task ({@link LinkChannel}): sent by {@link #flushSends}. */
    public interface Flushable {
        void flush();
    }

    /**
     * Work another thread hands the loop without allocating (a receiver's accepted advertisements, in a ring of
     * its own): {@link #wake} marks it and unparks the loop, which calls {@link #drain} once for any number of
     * wakes. {@link #post} allocates a task and a queue node each time.
     */
    public abstract static class Mailbox {
        private volatile boolean pending;

        /** Takes everything handed over so far. Loop thread. */
        abstract void drain();
    }

    private static final long MAX_PARK_NANOS = 500_000_000L;
    /** After close(): rounds of posted work still run (a task that re-posts itself must not keep the loop alive). */
    private static final int SHUTDOWN_ROUNDS = 1_000;
    /** The loop thread's timer slack: see {@link io.vrrpd.linux.ThreadTuning}. */
    static final long TIMER_SLACK_NANOS = 1_000L;
    /**
     * The grid periodic timers are grouped on ({@link #armGrouped}): 1000 routers that became Master at scattered
     * moments would otherwise each need a wake-up of their own, 10,000 a second at 100 ms, and a wake-up (a futex
     * wait ending, a context switch) costs more than the advertisement it sends.
     */
    static final long GROUP_NANOS = 1_000_000L;
    /** SCHED_RR priority of the loop and receiver threads (keepalived's vrrp_rt_priority is similar). */
    static final int REALTIME_PRIORITY = 10;
    /**
     * Posted tasks run per round before due timers get their turn. A round that drained the inbox until it was
     * empty never ended while receivers refilled it faster than the loop emptied it (a LAN flooding valid
     * advertisements, a loaded host): a Master's Adver_Timer then waited behind the flood, the Master went
     * silent and its Backup took over (CI, HostilePacketsIT). 256 tasks take well under a millisecond, the grid
     * of {@link #GROUP_NANOS}, so timers stay on time whatever arrives.
     */
    static final int TASKS_PER_ROUND = 256;
    /**
     * How long before an {@link #armPrecise} deadline the loop stops parking: it rehearses the owner's work, then
     * yields in a loop until the deadline. A Backup's takeover at 10 ms adverts lost 0.4-0.65 ms between its
     * Master_Down_Timer's deadline and its first advertisement's {@code sendmmsg} (docs/BENCHMARKS.md): ~0.1 ms the
     * park's wake-up, the rest code a Backup never runs until then, cold in the CPU's caches. Only a takeover comes
     * this close to a Master_Down_Timer's deadline (every advertisement heard re-arms it a whole Master_Down_Interval
     * ahead), so the spin costs nothing while the Master speaks; the 1 ms grid of the Adver_Timers never spins.
     * 2 ms, not 0.5: the rehearsal itself runs that cold code and outlasted a 0.5 ms lead (timers then fired 0.2-1.5 ms
     * late in bench/failover.sh at SIGKILL; with 2 ms, 15 of 15 fired within 6 µs but two, at 58 and 158 µs).
     */
    static final long PRECISE_LEAD_NANOS = 2_000_000L;

    private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final DeadlineHeap timers = new DeadlineHeap();
    private TimerOwner[] owners = new TimerOwner[16];
    /** By slot: armed by {@link #armPrecise} (not by {@link #arm}/{@link #armGrouped}). Loop thread only. */
    private boolean[] precise = new boolean[16];
    /** By slot: the precise deadline its owner has rehearsed, so each arming is rehearsed once. Loop thread only. */
    private long[] rehearsedFor = new long[16];
    private final boolean spinAllowed = Runtime.getRuntime().availableProcessors() > 1;
    private volatile long preciseSpins;
    private final long preciseLeadNanos;
    private int nextSlot;
    private final Thread thread;
    private volatile boolean running = true;
    private final TimerLateness lateness = new TimerLateness();
    /** Loop thread only: a task that throws may do so per packet; its line at most once a second. */
    private final LogLimit taskErrorLog = new LogLimit();
    private final LogLimit timerErrorLog = new LogLimit();
    private volatile long wakeUps;
    /** Registered mailboxes, replaced whole by the loop thread (the only reader too). */
    private Mailbox[] mailboxes = new Mailbox[0];
    private final LogLimit mailboxErrorLog = new LogLimit();
    /** Loop thread only: what is dropped when the round ends ({@link #atRoundEnd}). */
    private Flushable[] atRoundEnd = new Flushable[4];
    private int atRoundEndCount;
    /** Loop thread only: what holds queued sends, each once (registered by its first queued send). */
    private Flushable[] toFlush = new Flushable[8];
    private int toFlushCount;
    private final LogLimit flushErrorLog = new LogLimit();

    public VrrpLoop() {
        this(PRECISE_LEAD_NANOS);
    }

    /** A loop whose precise timers are rehearsed {@code preciseLeadNanos} ahead (tests use a long lead). */
    VrrpLoop(final long preciseLeadNanos) {
        this.preciseLeadNanos = preciseLeadNanos;
        thread = Thread.ofPlatform().name("vrrp-loop").daemon(false).unstarted(this::run);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    public void start() {
        thread.start();
    }

    /** Drains {@code mailbox} whenever it is woken, from now on. Loop thread only. */
    void registerMailbox(final Mailbox mailbox) {
        final Mailbox[] next = java.util.Arrays.copyOf(mailboxes, mailboxes.length + 1);
        next[mailboxes.length] = mailbox;
        mailboxes = next;
    }

    /** Stops draining {@code mailbox} (what is still in it stays there). Loop thread only. */
    void unregisterMailbox(final Mailbox mailbox) {
        mailboxes = java.util.Arrays.stream(mailboxes).filter(m -> m != mailbox).toArray(Mailbox[]::new);
    }

    /** {@code mailbox} has work: the loop drains it soon. Any thread; allocates nothing. */
    void wake(final Mailbox mailbox) {
        if (!mailbox.pending) {
            mailbox.pending = true;
            LockSupport.unpark(thread);
        }
    }

    /** Runs {@code task} on the loop thread, after the work posted before it. Any thread. */
    public void post(final Runnable task) {
        inbox.add(task);
        LockSupport.unpark(thread);
    }

    /**
     * Runs {@code task} on the loop thread and waits for its result (the control socket's requests).
     *
     * @throws TimeoutException when the loop has not run it within {@code timeoutMillis} (it may still run later)
     */
    public <T> T call(final Callable<T> task, final long timeoutMillis) throws Exception {
        if (Thread.currentThread() == thread) {
            return task.call();
        }
        final CompletableFuture<T> result = new CompletableFuture<>();
        post(() -> {
            try {
                result.complete(task.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            // Checked, so every caller decides what a loop that is late means (a refusal, a log line): an
            // unchecked exception here once killed the SIGTERM handler's thread and left the daemon hanging.
            throw new TimeoutException("the router loop did not answer within " + timeoutMillis + " ms");
        }
    }

    public boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    /** A new timer slot for {@code owner}. Loop thread only. */
    public int register(final TimerOwner owner) {
        final int slot = nextSlot++;
        if (slot >= owners.length) {
            owners = java.util.Arrays.copyOf(owners, owners.length * 2);
            precise = java.util.Arrays.copyOf(precise, owners.length);
            rehearsedFor = java.util.Arrays.copyOf(rehearsedFor, owners.length);
        }
        owners[slot] = owner;
        return slot;
    }

    /** Forgets a slot (its timer is cleared). Loop thread only. */
    public void unregister(final int slot) {
        timers.clear(slot);
        owners[slot] = null;
    }

    /** Arms {@code slot} for {@code deadline} (monotonic ns). Loop thread only. */
    public void arm(final int slot, final long deadline) {
        precise[slot] = false;
        timers.set(slot, deadline);
    }

    /**
     * Arms {@code slot} for {@code deadline}, to be fired at the deadline itself and not some 0.1 ms after (the park's
     * wake-up): the loop parks until {@link #PRECISE_LEAD_NANOS} before it, has the owner {@link TimerOwner#rehearse}
     * what it will do, and yields until the deadline, still running work handed to it meanwhile. For a timer that
     * rarely comes due and must be on time when it does (a Backup's Master_Down_Timer). Loop thread only.
     */
    public void armPrecise(final int slot, final long deadline) {
        precise[slot] = spinAllowed; // one CPU: a spinning real-time thread would hold back the receiver itself
        rehearsedFor[slot] = deadline - 1; // not rehearsed yet
        timers.set(slot, deadline);
    }

    /**
     * Arms {@code slot} for {@code deadline} rounded up to the next {@link #GROUP_NANOS} boundary, so that periodic
     * timers of many owners come due together and the loop wakes once for them. For a timer re-armed from its
     * own deadline (a Master's Adver_Timer) the delay is the same each time, so the period on the wire is kept.
     * Loop thread only.
     */
    public void armGrouped(final int slot, final long deadline) {
        precise[slot] = false;
        timers.set(slot, grouped(deadline));
    }

    /** {@code deadline} rounded up to the next {@link #GROUP_NANOS} boundary (monotonic times may be negative). */
    static long grouped(final long deadline) {
        return -Math.floorDiv(-deadline, GROUP_NANOS) * GROUP_NANOS;
    }

    /**
     * {@code batch} holds sends to be made by the next {@link #flushSends}: at the end of the current timer round
     * or posted task at the latest. Call once per batch (on its first queued send). Loop thread only.
     */
    public void flushLater(final Flushable batch) {
        if (toFlushCount == toFlush.length) {
            toFlush = java.util.Arrays.copyOf(toFlush, toFlushCount * 2);
        }
        toFlush[toFlushCount++] = batch;
    }

    /**
     * Sends what {@link #flushLater} registered, now: one {@code sendmmsg} per link with queued advertisements.
     * The loop calls it after each timer round and each posted task; a router calls it before kernel work, so an
     * advertisement still leaves before the addresses change. Loop thread only.
     */
    public void flushSends() {
        for (int i = 0; i < toFlushCount; i++) {
            final Flushable batch = toFlush[i];
            toFlush[i] = null;
            try {
                batch.flush();
            } catch (RuntimeException e) {
                flushErrorLog.error("router loop: sending queued advertisements: " + e);
            }
        }
        toFlushCount = 0;
    }

    /**
     * {@code state} (a snapshot of kernel state) is flushed when this timer round, posted task or mailbox drain
     * ends, after its sends: what the next round sees comes from the kernel again. Call once per snapshot.
     * Loop thread only.
     */
    public void atRoundEnd(final Flushable state) {
        if (atRoundEndCount == atRoundEnd.length) {
            atRoundEnd = java.util.Arrays.copyOf(atRoundEnd, atRoundEndCount * 2);
        }
        atRoundEnd[atRoundEndCount++] = state;
    }

    /** The end of a timer round, posted task or mailbox drain: its sends leave, its snapshots are dropped. */
    private void endRound() {
        flushSends();
        for (int i = 0; i < atRoundEndCount; i++) {
            final Flushable state = atRoundEnd[i];
            atRoundEnd[i] = null;
            try {
                state.flush();
            } catch (RuntimeException e) {
                flushErrorLog.error("router loop: end of round: " + e);
            }
        }
        atRoundEndCount = 0;
    }

    /** How many precise deadlines the loop has yielded up to (for tests). */
    long preciseSpins() {
        return preciseSpins;
    }

    /** How many times the loop has parked to wait for a deadline or work (loop thread writes it; for tests). */
    long wakeUps() {
        return wakeUps;
    }

    /** Disarms {@code slot}. Loop thread only. */
    public void disarm(final int slot) {
        timers.clear(slot);
    }

    public TimerLateness lateness() {
        return lateness;
    }

    private void run() {
        tuneThisThread("router loop");
        while (running) {
            runPosted();
            drainMailboxes();
            fireDue();
            if (!inbox.isEmpty() || anyMailboxPending()) {
                continue;
            }
            final long now = System.nanoTime();
            long wait = timers.isEmpty() ? MAX_PARK_NANOS
                    : Math.min(MAX_PARK_NANOS, timers.nextDeadline() - now);
            if (wait > 0 && !timers.isEmpty() && precise[timers.nextSlot()]) {
                wait = untilPrecise(timers.nextSlot(), timers.nextDeadline(), wait);
            }
            if (wait > 0) {
                // Parks until the deadline itself (a precise one excepted: untilPrecise), no spin before it: the
                // wake-up lands some 10-200 µs late here, but a Master's next Adver_Timer is set from this one's
                // deadline (RouterStateMachine), so only the difference between two wake-ups reaches the wire. Spinning the last 200 µs before each
                // deadline had cost 80 % of the loop's CPU at 1000 routers (timers 100 µs apart spin back to
                // back): docs/BENCHMARKS.md, "Scale".
                wakeUps++; // the loop thread's own field: the volatile write only makes it readable elsewhere
                LockSupport.parkNanos(this, wait);
            }
        }
        for (int round = 0; round < SHUTDOWN_ROUNDS && !inbox.isEmpty(); round++) {
            runPosted(); // the work posted before close(), as promised; bounded if something keeps posting
        }
    }

    /**
     * The earliest timer is precise and {@code wait} away: how long to park first (its lead not reached yet), or,
     * within the lead, 0 after rehearsing it once and yielding until its deadline or until work arrives.
     */
    private long untilPrecise(final int slot, final long deadline, final long wait) {
        if (wait > preciseLeadNanos) {
            return wait - preciseLeadNanos;
        }
        if (rehearsedFor[slot] != deadline) {
            rehearsedFor[slot] = deadline;
            final TimerOwner owner = owners[slot];
            if (owner != null) {
                try {
                    owner.rehearse(deadline);
                } catch (RuntimeException e) {
                    timerErrorLog.error("router loop timer rehearsal: " + e);
                }
            }
            return 0; // the rehearsal may have taken a while or posted work: look again
        }
        // Bounded by the lead (at most PRECISE_LEAD_NANOS); yields rather than spins, so a receiver thread of the
        // same real-time priority on this CPU still runs (the Master's advertisement that cancels the takeover).
        preciseSpins++;
        while (deadline - System.nanoTime() > 0 && inbox.isEmpty() && !anyMailboxPending() && running) {
            Thread.yield();
        }
        return 0;
    }

    /** Runs posted tasks, at most {@link #TASKS_PER_ROUND} of them: the caller fires due timers in between. */
    private void runPosted() {
        int budget = TASKS_PER_ROUND;
        for (Runnable task = inbox.poll(); task != null; task = --budget > 0 ? inbox.poll() : null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                taskErrorLog.error("router loop: " + e);
            }
            endRound(); // a task's sends leave when it ends (a control request's priority 0, a preemption)
        }
    }

    private void drainMailboxes() {
        final Mailbox[] all = mailboxes;
        for (final Mailbox mailbox : all) {
            if (mailbox.pending) {
                mailbox.pending = false; // before draining: a wake during the drain is seen next time round
                try {
                    mailbox.drain();
                } catch (RuntimeException e) {
                    mailboxErrorLog.error("router loop: " + e);
                }
                endRound(); // what the drained work sent (a preempting Master's advertisement)
            }
        }
    }

    private boolean anyMailboxPending() {
        for (final Mailbox mailbox : mailboxes) {
            if (mailbox.pending) {
                return true;
            }
        }
        return false;
    }

    private void fireDue() {
        long now = System.nanoTime();
        for (int slot = timers.pollDue(now); slot >= 0; slot = timers.pollDue(now)) {
            final TimerOwner owner = owners[slot];
            if (owner == null) {
                continue;
            }
            try {
                owner.onTimer(now);
            } catch (RuntimeException e) {
                timerErrorLog.error("router loop timer: " + e);
            }
            now = System.nanoTime();
        }
        endRound(); // the round's advertisements: one sendmmsg per link for the Masters due in this tick
    }

    /**
     * Real-time scheduling and a 1 µs timer slack for a thread that must act on time (the loop, the
     * receivers): see {@link io.vrrpd.linux.ThreadTuning}. Without the privilege the daemon still runs, with
     * a warning, on the normal scheduler.
     */
    public static void tuneThisThread(final String what) {
        try {
            io.vrrpd.linux.ThreadTuning.setTimerSlackNanos(TIMER_SLACK_NANOS);
            io.vrrpd.linux.ThreadTuning.setRealtimePriority(REALTIME_PRIORITY);
        } catch (io.vrrpd.linux.ErrnoException e) {
            Log.warn(what + ": runs on the normal scheduler (" + e.getMessage() + "); timers may run late on a"
                    + " busy host");
        }
    }

    /** Records a timer's lateness: called by owners with their deadline when it fires. */
    public void recordLateness(final long deadline, final long now) {
        lateness.record(now - deadline);
    }

    /** Stops after the work already posted; waits for the thread. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
