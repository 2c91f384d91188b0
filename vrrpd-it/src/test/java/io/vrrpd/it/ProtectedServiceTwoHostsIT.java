package io.vrrpd.it;

import java.util.List;
import java.util.Map;

/** The Solaris scenario with two hosts, priorities 200/100: h1 serves, then h2, then h1 again. */
class ProtectedServiceTwoHostsIT extends ProtectedServiceScenario {

    @Override
    List<String> hosts() {
        return List.of("h1", "h2");
    }

    @Override
    Map<String, Integer> priorities() {
        return Map.of("h1", 200, "h2", 100);
    }
}
