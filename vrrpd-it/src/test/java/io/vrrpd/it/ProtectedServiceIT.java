package io.vrrpd.it;

import java.util.List;
import java.util.Map;

/** The Solaris scenario with three hosts, priorities 200/150/100: h1 serves, then h2, then h3, then h1 again. */
class ProtectedServiceIT extends ProtectedServiceScenario {

    @Override
    List<String> hosts() {
        return List.of("h1", "h2", "h3");
    }

    @Override
    Map<String, Integer> priorities() {
        return Map.of("h1", 200, "h2", 150, "h3", 100);
    }
}
