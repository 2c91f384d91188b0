package io.vrrpd.sim;

import java.util.Arrays;

/**
 * The simulation's event queue, ordered by time and, at the same nanosecond, by the order the events were
 * added: one set of inputs always gives one run.
 *
 * <p>A calendar queue (R. Brown, CACM 1988): a wheel of buckets about a millisecond wide covering a few
 * seconds ahead, plus a heap for whatever lies beyond. Adding appends to a bucket; only the bucket being
 * processed is ordered, in a small heap. A scale run holds tens of thousands of pending events but a
 * millisecond holds a dozen, so this costs a fraction of one big heap's sifting and cache misses.
 *
 * <p>Invariants: every event in {@code current} is earlier than every event in the wheel, and every event
 * in the wheel earlier than every event in {@code overflow}; the wheel holds buckets
 * {@code (cursor, cursor + BUCKETS)}. Ties: a bucket's events are appended in insertion order, and an
 * event in {@code overflow} was added before any wheel event of the same bucket (it was beyond the
 * horizon then). So when a bucket becomes current, its overflow events followed by its wheel events are
 * in insertion order, and numbering them afresh ({@code order}) keeps that order without storing a
 * sequence number per wheel entry.
 */
final class EventQueue {
    /** 2^20 ns, about 1.05 ms per bucket. */
    private static final int BUCKET_SHIFT = 20;
    /** About 4.3 s of buckets: a 1 s advertisement interval and its Master_Down_Interval fit. */
    private static final int BUCKETS = 1 << 12;
    private static final int MASK = BUCKETS - 1;

    private final long[][] bucketTimes = new long[BUCKETS][];
    private final SimEvent[][] bucketEvents = new SimEvent[BUCKETS][];
    private final int[] bucketSizes = new int[BUCKETS];
    private final EventHeap current = new EventHeap();
    private final EventHeap overflow = new EventHeap();
    private long cursor;
    private long inWheel;
    /** Orders {@code overflow} by insertion. */
    private long overflowSequence;
    /** Orders {@code current} by the insertion order of its events (see the class comment). */
    private long order;

    EventQueue() {
        for (int i = 0; i < BUCKETS; i++) {
            bucketTimes[i] = new long[0];
            bucketEvents[i] = new SimEvent[0];
        }
    }

    void add(final long at, final SimEvent event) {
        final long bucket = at >> BUCKET_SHIFT;
        if (bucket <= cursor) {
            current.add(at, order++, event);
        } else if (bucket - cursor < BUCKETS) {
            append((int) (bucket & MASK), at, event);
        } else {
            overflow.add(at, overflowSequence++, event);
        }
    }

    boolean isEmpty() {
        return current.isEmpty() && inWheel == 0 && overflow.isEmpty();
    }

    /** The time of the next event; the queue must not be empty. */
    long peekTime() {
        advance();
        return current.peekTime();
    }

    /** Removes and returns the next event; the queue must not be empty. */
    SimEvent poll() {
        advance();
        return current.poll();
    }

    private void append(final int slot, final long at, final SimEvent event) {
        final int size = bucketSizes[slot];
        if (size == bucketEvents[slot].length) {
            final int capacity = Math.max(4, size * 2);
            bucketTimes[slot] = Arrays.copyOf(bucketTimes[slot], capacity);
            bucketEvents[slot] = Arrays.copyOf(bucketEvents[slot], capacity);
        }
        bucketTimes[slot][size] = at;
        bucketEvents[slot][size] = event;
        bucketSizes[slot] = size + 1;
        inWheel++;
    }

    /** Moves the cursor to the next non-empty bucket and orders its events, until {@code current} has some. */
    private void advance() {
        while (current.isEmpty()) {
            cursor = inWheel == 0 ? overflow.peekTime() >> BUCKET_SHIFT : cursor + 1;
            while (!overflow.isEmpty() && overflow.peekTime() >> BUCKET_SHIFT == cursor) {
                final long at = overflow.peekTime();
                current.append(at, order++, overflow.poll());
            }
            drain((int) (cursor & MASK));
            current.heapify();
        }
    }

    private void drain(final int slot) {
        final int size = bucketSizes[slot];
        final long[] times = bucketTimes[slot];
        final SimEvent[] events = bucketEvents[slot];
        for (int i = 0; i < size; i++) {
            current.append(times[i], order++, events[i]);
            events[i] = null;
        }
        bucketSizes[slot] = 0;
        inWheel -= size;
    }
}
