package io.vrrpd.cluster;

import java.util.List;
import java.util.Map;

/**
 * The service verbs of vrrpadm (DESIGN.md §2), as the daemon's control socket calls them. Every change goes
 * through the coordinator of a quorate partition and returns once it is committed (persisted by a majority of
 * the configured members) or refused; a host without quorum refuses changes (naming the missing quorum).
 *
 * <p>{@code node} arguments are node names; null or an empty list means this node where the verb allows it.
 */
public interface ServiceAdmin {

    /** Creates a service (inactive, not wanted) on every host. */
    void create(ServiceSpec spec) throws ServiceException;

    /** Stops it where it runs, deactivates it everywhere and removes it from every host. */
    void delete(String name) throws ServiceException;

    /** Activates it on {@code nodes} (default: this node); the activate primitive runs there. */
    List<NodeResult> activate(String name, List<String> nodes) throws ServiceException;

    /** Deactivates it on {@code nodes} (stopping it first where it runs); deactivating everywhere un-wants it. */
    List<NodeResult> deactivate(String name, List<String> nodes) throws ServiceException;

    /** Wants it started: on {@code node} if given (moved there: stopped where it ran first), else anywhere active. */
    void start(String name, String node) throws ServiceException;

    /** Stops it where it runs; it starts on another active host as soon as possible. */
    void stop(String name) throws ServiceException;

    /** Restarts it where it runs (restart primitive; default stop+start). */
    NodeResult restart(String name) throws ServiceException;

    /** Reloads it where it runs (reload primitive; default restart). */
    NodeResult reload(String name) throws ServiceException;

    /**
     * Changes properties (not primary configuration) and runs update on every active host, synchronously.
     *
     * @param changes KEY=VALUE; an empty VALUE removes the key
     * @return one result per active host
     */
    List<NodeResult> update(String name, Map<String, String> changes) throws ServiceException;

    /** Runs check now on every active host. */
    List<NodeResult> check(String name) throws ServiceException;

    /** Clears the failed mark on {@code node} (null: every node). */
    void clear(String name, String node) throws ServiceException;

    /** Every service with its per-node rows. */
    List<ServiceStatus> services();

    /** The cluster as this node sees it. */
    ClusterStatus cluster();

    /**
     * One host's answer to a request.
     *
     * @param node   the host
     * @param ok     whether it succeeded there
     * @param detail one line: the primitive's result or why it was refused
     */
    record NodeResult(String node, boolean ok, String detail) {
    }
}
