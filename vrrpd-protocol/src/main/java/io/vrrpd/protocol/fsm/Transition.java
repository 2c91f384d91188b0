package io.vrrpd.protocol.fsm;

import java.util.List;

/** The result of one step: the router's next state and the actions to carry out, in order. */
public record Transition(RouterState state, List<Action> actions) {

    public Transition {
        actions = List.copyOf(actions);
    }

    /** Nothing changes and nothing is done (for example, a stale timer or a discarded advertisement). */
    public static Transition unchanged(final RouterState state) {
        return new Transition(state, List.of());
    }

    public boolean changedState(final RouterState before) {
        return state.state() != before.state();
    }
}
