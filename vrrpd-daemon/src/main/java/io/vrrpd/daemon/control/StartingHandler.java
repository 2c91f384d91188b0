package io.vrrpd.daemon.control;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The control socket's handler while the daemon starts (issue 12): the socket is bound as soon as vrrpd.toml is read
 * and the namespace lock is held, before the routers, the service cluster and the web server, so a client finds it
 * within a few hundred milliseconds of the exec. A request that arrives before the daemon's verbs exist waits for
 * them ({@link #ready}) and is then answered by them, as if it had arrived later: never an answer from a half-built
 * daemon. A start that fails ({@link #failed}) answers the waiting requests with its reason; one that takes longer
 * than {@code patience} (a cluster that cannot be joined) answers "still starting" rather than outwait the client.
 */
public final class StartingHandler implements ControlHandler {

    private final CompletableFuture<ControlHandler> verbs = new CompletableFuture<>();
    private final Duration patience;

    /** {@code patience}: how long a request may wait for the start; under vrrpadm's own timeout (30 s). */
    public StartingHandler(final Duration patience) {
        this.patience = Objects.requireNonNull(patience, "patience");
    }

    /** The daemon has started: {@code handler} answers every request from now on, the waiting ones first. */
    public void ready(final ControlHandler handler) {
        verbs.complete(Objects.requireNonNull(handler, "handler"));
    }

    /** The start failed ({@code reason}, one line): the waiting requests and any later one get it as their error. */
    public void failed(final String reason) {
        verbs.completeExceptionally(new IllegalStateException(reason));
    }

    @Override
    public JsonNode handle(final String verb, final JsonNode args) throws ControlException {
        final ControlHandler handler;
        try {
            handler = verbs.get(patience.toMillis(), TimeUnit.MILLISECONDS); // at once after the start
        } catch (TimeoutException e) {
            throw new ControlException(ControlException.Kind.UNAVAILABLE, verb + ": vrrpd is still starting (its"
                    + " routers and service cluster are not up after " + patience.toSeconds() + " s): try again");
        } catch (ExecutionException e) {
            throw new ControlException(ControlException.Kind.UNAVAILABLE,
                    verb + ": vrrpd failed to start: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlException.Kind.UNAVAILABLE, verb + ": vrrpd is stopping");
        }
        return handler.handle(verb, args);
    }
}
