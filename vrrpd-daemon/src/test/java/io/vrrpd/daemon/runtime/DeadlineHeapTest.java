package io.vrrpd.daemon.runtime;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadlineHeapTest {

    @Test
    void shouldFireInDeadlineOrderAndHonourReArmAndClear() {
        final DeadlineHeap heap = new DeadlineHeap();
        heap.set(3, 300);
        heap.set(1, 100);
        heap.set(2, 200);
        heap.set(1, 400); // re-armed later
        heap.clear(2);
        assertEquals(3, heap.nextSlot());
        assertEquals(-1, heap.pollDue(299));
        assertEquals(3, heap.pollDue(300));
        assertEquals(1, heap.pollDue(1000));
        assertTrue(heap.isEmpty());
        assertFalse(heap.armed(1));
    }

    @Test
    void shouldOrderAcrossNanoTimeWrap() {
        final DeadlineHeap heap = new DeadlineHeap();
        heap.set(0, Long.MAX_VALUE - 5);
        heap.set(1, Long.MAX_VALUE + 5); // wrapped: 10 ns later
        assertEquals(0, heap.nextSlot());
    }

    /**
     * Routers whose Adver_Timers share a grid tick fire in slot order every round, whatever order they were
     * re-armed in: a router's place in the round (and so its send's delay behind the others) stays the same
     * from one advertisement to the next.
     */
    @Test
    void equalDeadlinesComeDueInSlotOrderEveryRound() {
        final DeadlineHeap heap = new DeadlineHeap();
        final int routers = 16;
        final List<Integer> order = new ArrayList<>();
        for (int slot = routers - 1; slot >= 0; slot--) {
            heap.set(slot, 1_000);
        }
        long tick = 1_000;
        for (int round = 0; round < 5; round++) {
            final List<Integer> fired = new ArrayList<>();
            for (int slot = heap.pollDue(tick); slot >= 0; slot = heap.pollDue(tick)) {
                fired.add(slot);
            }
            if (round == 0) {
                for (int slot = 0; slot < routers; slot++) {
                    order.add(slot);
                }
            }
            assertEquals(order, fired, "round " + round);
            tick += 100;
            // re-armed as they fired, some of them twice (a Master re-arms on a received advertisement too)
            for (int i = fired.size() - 1; i >= 0; i--) {
                heap.set(fired.get(i), tick + (i % 3 == 0 ? 50 : 0));
            }
            for (int i = 0; i < fired.size(); i += 3) {
                heap.set(fired.get(i), tick);
            }
        }
    }

    record Op(int slot, long deadline, boolean clear) {
    }

    @Property(tries = 300)
    void shouldAgreeWithAMapModel(@ForAll @Size(max = 200) final List<@IntRange(min = 0, max = 40) Integer> slots,
                                  @ForAll @Size(max = 200) final List<@IntRange(min = 0, max = 1000) Integer> times) {
        final DeadlineHeap heap = new DeadlineHeap();
        final Map<Integer, Long> model = new HashMap<>();
        for (int i = 0; i < Math.min(slots.size(), times.size()); i++) {
            final int slot = slots.get(i);
            if (times.get(i) % 7 == 0) {
                heap.clear(slot);
                model.remove(slot);
            } else {
                heap.set(slot, times.get(i));
                model.put(slot, (long) times.get(i));
            }
        }
        final List<Long> fired = new ArrayList<>();
        for (int slot = heap.pollDue(Long.MAX_VALUE / 2); slot >= 0; slot = heap.pollDue(Long.MAX_VALUE / 2)) {
            fired.add(model.remove(slot));
        }
        assertTrue(model.isEmpty(), "every armed slot fired once");
        final List<Long> sorted = new ArrayList<>(fired);
        sorted.sort(Long::compare);
        assertEquals(sorted, fired, "in deadline order");
    }
}
