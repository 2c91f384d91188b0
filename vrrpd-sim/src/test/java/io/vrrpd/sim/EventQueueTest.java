package io.vrrpd.sim;

import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventQueueTest {

    /** An event and its time; the event's epoch field numbers it in the order it was added. */
    private record Entry(long at, SimEvent event) {
    }

    /**
     * Adds and polls at times near and far (beyond the wheel's horizon, and before the cursor after a look
     * ahead), and compares with a stable sort by time.
     *
     * @param deltas    offsets from the time of the last event polled
     * @param pollEvery how many adds between polls
     */
    @Property(tries = 200)
    @Label("Events come out by time, and in the order they were added at the same time")
    void shouldOrderByTimeThenInsertion(
            @ForAll @Size(min = 1, max = 300) final List<@LongRange(min = 0, max = 20_000_000_000L) Long> deltas,
            @ForAll @LongRange(min = 1, max = 5) final long pollEvery) {
        final EventQueue queue = new EventQueue();
        final List<Entry> pending = new ArrayList<>();
        final List<Entry> expected = new ArrayList<>();
        final List<Entry> actual = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < deltas.size(); i++) {
            if (i % 5 == 0 && !queue.isEmpty()) {
                queue.peekTime(); // looks ahead as runUntil does; the next add may be before the cursor
            }
            // Round some deltas to whole buckets and zero others, so bucket edges and same-time ties are common.
            final long delta = i % 7 == 0 ? 0 : i % 3 == 0 ? deltas.get(i) >> 20 << 20 : deltas.get(i);
            final Entry entry = new Entry(now + delta, new SimEvent.Delivery(null, i, null));
            queue.add(entry.at(), entry.event());
            pending.add(entry);
            if (i % pollEvery == 0) {
                now = pollOne(queue, pending, expected, actual);
            }
        }
        while (!queue.isEmpty()) {
            pollOne(queue, pending, expected, actual);
        }
        assertEquals(expected, actual);
    }

    private static long pollOne(final EventQueue queue, final List<Entry> pending, final List<Entry> expected,
                                final List<Entry> actual) {
        pending.sort(Comparator.comparingLong(Entry::at)); // stable: ties keep the order they were added in
        expected.add(pending.removeFirst());
        final long at = queue.peekTime();
        actual.add(new Entry(at, queue.poll()));
        return at;
    }
}
