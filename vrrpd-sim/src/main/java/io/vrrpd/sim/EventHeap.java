package io.vrrpd.sim;

import java.util.Arrays;

/**
 * A binary min-heap of events ordered by (time, sequence number). Keys live in primitive arrays beside the
 * events, so sifting compares longs without touching the event objects.
 */
final class EventHeap {
    private long[] times = new long[16];
    private long[] sequences = new long[16];
    private SimEvent[] events = new SimEvent[16];
    private int size;

    void add(final long at, final long sequence, final SimEvent event) {
        if (size == events.length) {
            grow();
        }
        siftUp(size++, at, sequence, event);
    }

    /** Appends without ordering; call {@link #heapify()} before the next read. */
    void append(final long at, final long sequence, final SimEvent event) {
        if (size == events.length) {
            grow();
        }
        place(size++, at, sequence, event);
    }

    /** Restores heap order after {@link #append} (Floyd's method: linear in the number of entries). */
    void heapify() {
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i, times[i], sequences[i], events[i]);
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest time; the heap must not be empty. */
    long peekTime() {
        return times[0];
    }

    /** The sequence number of the earliest entry; the heap must not be empty. */
    long peekSequence() {
        return sequences[0];
    }

    /** Removes and returns the earliest event; the heap must not be empty. */
    SimEvent poll() {
        final SimEvent first = events[0];
        size--;
        if (size > 0) {
            siftDown(0, times[size], sequences[size], events[size]);
        }
        events[size] = null;
        return first;
    }

    private void grow() {
        final int capacity = events.length * 2;
        times = Arrays.copyOf(times, capacity);
        sequences = Arrays.copyOf(sequences, capacity);
        events = Arrays.copyOf(events, capacity);
    }

    /** Moves the hole at {@code index} up until the new entry's parent is not later, then fills it. */
    private void siftUp(int index, final long at, final long sequence, final SimEvent event) {
        while (index > 0) {
            final int parent = (index - 1) >>> 1;
            if (!before(at, sequence, times[parent], sequences[parent])) {
                break;
            }
            place(index, times[parent], sequences[parent], events[parent]);
            index = parent;
        }
        place(index, at, sequence, event);
    }

    /** Moves the hole at {@code index} down until no child is earlier than the entry, then fills it. */
    private void siftDown(int index, final long at, final long sequence, final SimEvent event) {
        final int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            final int right = child + 1;
            if (right < size && before(times[right], sequences[right], times[child], sequences[child])) {
                child = right;
            }
            if (!before(times[child], sequences[child], at, sequence)) {
                break;
            }
            place(index, times[child], sequences[child], events[child]);
            index = child;
        }
        place(index, at, sequence, event);
    }

    private void place(final int index, final long at, final long sequence, final SimEvent event) {
        times[index] = at;
        sequences[index] = sequence;
        events[index] = event;
    }

    private static boolean before(final long at, final long sequence, final long otherAt, final long otherSequence) {
        return at < otherAt || (at == otherAt && sequence < otherSequence);
    }
}
