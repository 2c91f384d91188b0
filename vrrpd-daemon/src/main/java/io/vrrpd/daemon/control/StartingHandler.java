package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The control socket's handler while the daemon starts (issue 12): the socket is bound as soon as vrrpd.toml is read
 * and the namespace lock is held, before the routers, the service cluster and the web server, so a client finds it
 * within a few hundred milliseconds of the exec. A request that arrives before the daemon's verbs exist waits for
 * them ({@link #ready}) and is then answered by them, as if it had arrived later: never an answer from a half-built
 * daemon. A start that fails ({@link #failed}) answers the waiting requests with its reason; one that takes longer
 * than {@code patience} (a cluster that cannot be joined) answers "still starting" rather than outwait the client.
 */
public final class StartingHandler implements ControlHandler {

    /*
     * A latch and two fields, not a CompletableFuture: this handler is made on the start path before the control
     * socket, and CompletableFuture's static set-up builds the ForkJoinPool's common pool (~10 ms of class loading
     * and initialisation there; issue 12).
     */
    private final CountDownLatch decided = new CountDownLatch(1);
    /** Set once, before {@link #decided} opens: the verbs, or null when the start failed. */
    private ControlHandler verbs;
    /** Set once, before {@link #decided} opens, when the start failed: its reason. */
    private String failure;
    private final Duration patience;

    /** {@code patience}: how long a request may wait for the start; under vrrpadm's own timeout (30 s). */
    public StartingHandler(final Duration patience) {
        this.patience = Objects.requireNonNull(patience, "patience");
    }

    /** The daemon has started: {@code handler} answers every request from now on, the waiting ones first. */
    public void ready(final ControlHandler handler) {
        decide(Objects.requireNonNull(handler, "handler"), null);
    }

    /** The start failed ({@code reason}, one line): the waiting requests and any later one get it as their error. */
    public void failed(final String reason) {
        decide(null, String.valueOf(reason));
    }

    /** The first of {@link #ready} and {@link #failed} wins; the latch publishes the fields to the waiting threads. */
    private synchronized void decide(final ControlHandler handler, final String reason) {
        if (decided.getCount() == 0) {
            return;
        }
        verbs = handler;
        failure = reason;
        decided.countDown();
    }

    @Override
    public JsonNode handle(final String verb, final JsonNode args) throws ControlException {
        try {
            if (!decided.await(patience.toMillis(), TimeUnit.MILLISECONDS)) { // at once after the start
                throw new ControlException(ControlException.Kind.UNAVAILABLE, verb + ": vrrpd is still starting (its"
                        + " routers and service cluster are not up after " + patience.toSeconds() + " s): try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlException.Kind.UNAVAILABLE, verb + ": vrrpd is stopping");
        }
        if (verbs == null) {
            throw new ControlException(ControlException.Kind.UNAVAILABLE, verb + ": vrrpd failed to start: " + failure);
        }
        return verbs.handle(verb, args);
    }
}
