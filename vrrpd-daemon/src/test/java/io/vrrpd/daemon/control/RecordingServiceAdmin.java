package io.vrrpd.daemon.control;

import io.vrrpd.cluster.ClusterStatus;
import io.vrrpd.cluster.ServiceAdmin;
import io.vrrpd.cluster.ServiceException;
import io.vrrpd.cluster.ServiceSpec;
import io.vrrpd.cluster.ServiceStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ServiceAdmin} that records every call as one line ({@code start redis h2}) and answers with what the
 * test set: per-host results, statuses, a cluster, or a refusal for every call.
 */
final class RecordingServiceAdmin implements ServiceAdmin {

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<ServiceSpec> created = new ArrayList<>();
    volatile List<NodeResult> results = List.of();
    volatile List<ServiceStatus> services = List.of();
    volatile ClusterStatus cluster;
    /** When set, every changing call throws it. */
    volatile ServiceException refusal;
    /** When set, update throws it (as ServiceSpec.withProperties does for a bad property). */
    volatile IllegalArgumentException invalid;

    private void record(final String call) throws ServiceException {
        calls.add(call);
        if (refusal != null) {
            throw refusal;
        }
    }

    @Override
    public void create(final ServiceSpec spec) throws ServiceException {
        record("create " + spec.name());
        created.add(spec);
    }

    @Override
    public void delete(final String name) throws ServiceException {
        record("delete " + name);
    }

    @Override
    public List<NodeResult> activate(final String name, final List<String> nodes) throws ServiceException {
        record("activate " + name + " " + nodes);
        return results;
    }

    @Override
    public List<NodeResult> deactivate(final String name, final List<String> nodes) throws ServiceException {
        record("deactivate " + name + " " + nodes);
        return results;
    }

    @Override
    public void start(final String name, final String node) throws ServiceException {
        record("start " + name + " " + node);
    }

    @Override
    public void stop(final String name) throws ServiceException {
        record("stop " + name);
    }

    @Override
    public NodeResult restart(final String name) throws ServiceException {
        record("restart " + name);
        return results.getFirst();
    }

    @Override
    public NodeResult reload(final String name) throws ServiceException {
        record("reload " + name);
        return results.getFirst();
    }

    @Override
    public List<NodeResult> update(final String name, final Map<String, String> changes) throws ServiceException {
        record("update " + name + " " + changes);
        if (invalid != null) {
            throw invalid;
        }
        return results;
    }

    @Override
    public List<NodeResult> check(final String name) throws ServiceException {
        record("check " + name);
        return results;
    }

    @Override
    public void clear(final String name, final String node) throws ServiceException {
        record("clear " + name + " " + node);
    }

    @Override
    public List<ServiceStatus> services() {
        calls.add("services");
        return services;
    }

    @Override
    public ClusterStatus cluster() {
        calls.add("cluster");
        return cluster;
    }
}
