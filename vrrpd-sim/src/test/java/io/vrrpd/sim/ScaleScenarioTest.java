package io.vrrpd.sim;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.vrrpd.sim.Routers.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaleScenarioTest {

    @Test
    @DisplayName("300 routers for 10 simulated minutes: every LAN ends with exactly one Master, and runs repeat")
    void shouldSettleEveryLanOnOneMaster() {
        final ScaleScenario.Result result = ScaleScenario.run(300, 3, 600 * SECOND, 11);

        assertEquals(100, result.lans());
        assertEquals(100, result.groupsWithOneMaster());
        // One Master per LAN advertises once a second: about 100 x 600 advertisements, two copies each.
        assertTrue(result.advertisementsSent() > 100 * 590, () -> result.toString());
        assertEquals(2 * result.advertisementsSent(), result.copiesDelivered());
        assertEquals(result, ScaleScenario.run(300, 3, 600 * SECOND, 11));
    }

    @Test
    @DisplayName("A last LAN takes the remainder when the routers do not divide evenly")
    void shouldPutTheRemainderOnTheLastLan() {
        final ScaleScenario.Result result = ScaleScenario.run(10, 4, 20 * SECOND, 3);

        assertEquals(3, result.lans());
        assertEquals(3, result.groupsWithOneMaster());
    }

    @Test
    @DisplayName("Sizes outside what one LAN can address are refused")
    void shouldRefuseImpossibleSizes() {
        assertThrows(IllegalArgumentException.class, () -> ScaleScenario.run(0, 3, SECOND, 1));
        assertThrows(IllegalArgumentException.class, () -> ScaleScenario.run(300, 254, SECOND, 1));
    }
}
