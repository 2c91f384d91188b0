package io.vrrpd.daemon.control;

import io.vrrpd.daemon.config.RouterSpec;

/**
 * The seam between the control plane and the running routers: {@link RouterControl} validates and persists
 * what the operator asked for, then tells the runtime. Calls are serialised by RouterControl.
 */
public interface RouterRuntime {

    /**
     * Refuses a router this host cannot run, before anything is saved (create-router, modify-router): a
     * link that does not exist, priority 255 for addresses the link does not own. At boot the same router
     * is not refused but goes offline with the reason, because a link may appear later.
     *
     * @throws ControlException naming the field and what is allowed
     */
    default void check(RouterSpec spec) throws ControlException {
    }

    /**
     * Makes the running router {@code spec.name()} match {@code spec}: starts it if new, changes it in place
     * if running (an unchanged router is not touched), leaves the VRRP group when {@code spec.enabled()} is
     * false. An environment problem (a missing link) is not a refusal: the router goes to maintenance with
     * a reason, as it would at boot.
     *
     * @throws ControlException when the runtime refuses the change; the control plane then restores the
     *                          previous file. Except {@link ControlException.Kind#UNAVAILABLE}: the runtime was too
     *                          busy to answer in time, but has queued the change and carries it out later, in
     *                          order with every other request (so a later {@link #status} sees it): no refusal
     */
    void apply(RouterSpec spec) throws ControlException;

    /** Stops the router (a Master sends priority 0) and releases its addresses. */
    void remove(String name);

    /**
     * Takes the router out of maintenance ({@code clear-router}).
     *
     * @throws ControlException when it is not in maintenance, with a message saying so
     */
    void clear(String name) throws ControlException;

    /** The router's current state, for show-router; the router is one that {@link #apply} was given. */
    RouterStatus status(String name);
}
