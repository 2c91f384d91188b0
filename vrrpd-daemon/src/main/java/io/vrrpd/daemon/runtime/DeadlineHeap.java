package io.vrrpd.daemon.runtime;

import java.util.Arrays;

/**
 * The event loop's timers: an indexed binary min-heap of deadlines, one slot per router. A router has at
 * most one timer armed at a time (RFC 5798 §6.2: a Master runs Adver_Timer, a Backup Master_Down_Timer),
 * so "re-arm" is a key update in place. Nothing allocates after the heap has grown to the router count:
 * the advertisement path gives the GC nothing to do.
 *
 * <p>Deadlines are monotonic nanoseconds and may be negative; they are compared by difference so a
 * {@code System.nanoTime} wrap cannot reorder them. Equal deadlines come due in slot order: the Adver_Timers
 * grouped on one grid tick ({@link VrrpLoop#armGrouped}) then fire, and their advertisements leave, in the same
 * order every round. Without that order a binary heap pops equal keys in an order that depends on the history
 * of re-arms: a router's place in its round (each place some 10-15 µs of the loop's work and the kernel's send)
 * changed in 90 % of rounds at 1000 routers, and that alone put ~0.2 ms into the advertisement interval's p99
 * on the wire (docs/BENCHMARKS.md, "Footprint at 1000 routers: the loop's own jitter").
 */
public final class DeadlineHeap {
    private static final int ABSENT = -1;

    private long[] deadline = new long[16];  // by slot
    private int[] position = new int[16];    // slot -> index in heap, or ABSENT
    private int[] heap = new int[16];        // heap of slots
    private int size;

    public DeadlineHeap() {
        Arrays.fill(position, ABSENT);
    }

    /** Arms (or re-arms) {@code slot} to fire at {@code deadlineNanos}. */
    public void set(final int slot, final long deadlineNanos) {
        ensureSlot(slot);
        final int at = position[slot];
        final long old = deadline[slot];
        deadline[slot] = deadlineNanos;
        if (at == ABSENT) {
            heap[size] = slot;
            position[slot] = size;
            siftUp(size++);
        } else if (deadlineNanos - old < 0) {
            siftUp(at);
        } else {
            siftDown(at);
        }
    }

    /** Disarms {@code slot}; harmless when it is not armed. */
    public void clear(final int slot) {
        if (slot >= position.length || position[slot] == ABSENT) {
            return;
        }
        final int at = position[slot];
        position[slot] = ABSENT;
        size--;
        if (at != size) {
            heap[at] = heap[size];
            position[heap[at]] = at;
            siftDown(at);
            siftUp(at);
        }
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public boolean armed(final int slot) {
        return slot < position.length && position[slot] != ABSENT;
    }

    /** The earliest deadline; only meaningful when not {@link #isEmpty()}. */
    public long nextDeadline() {
        return deadline[heap[0]];
    }

    /** The slot with the earliest deadline, or -1 when empty. */
    public int nextSlot() {
        return size == 0 ? ABSENT : heap[0];
    }

    /** Removes and returns the earliest slot if its deadline is at or before {@code now}, else -1. */
    public int pollDue(final long now) {
        if (size == 0 || now - deadline[heap[0]] < 0) {
            return ABSENT;
        }
        final int slot = heap[0];
        clear(slot);
        return slot;
    }

    private void ensureSlot(final int slot) {
        if (slot < 0) {
            throw new IllegalArgumentException("slot " + slot + " is negative");
        }
        if (slot >= position.length) {
            final int capacity = Math.max(slot + 1, position.length * 2);
            final int old = position.length;
            deadline = Arrays.copyOf(deadline, capacity);
            position = Arrays.copyOf(position, capacity);
            Arrays.fill(position, old, capacity, ABSENT);
            heap = Arrays.copyOf(heap, capacity);
        }
    }

    /** Whether heap entry {@code i} comes due before {@code j}: earlier deadline, then lower slot. */
    private boolean earlier(final int i, final int j) {
        final long difference = deadline[heap[i]] - deadline[heap[j]];
        return difference < 0 || difference == 0 && heap[i] < heap[j];
    }

    private void swap(final int i, final int j) {
        final int a = heap[i];
        heap[i] = heap[j];
        heap[j] = a;
        position[heap[i]] = i;
        position[heap[j]] = j;
    }

    private void siftUp(int i) {
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            if (!earlier(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            final int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            final int right = left + 1;
            final int child = right < size && earlier(right, left) ? right : left;
            if (!earlier(child, i)) {
                return;
            }
            swap(i, child);
            i = child;
        }
    }
}
