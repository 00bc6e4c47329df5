package io.cairn.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits on a client future, rethrowing what it failed with as the blocking forms do. */
final class Await {
    private Await() {}

    static <T> T result(CompletableFuture<T> f, Duration bound) throws InterruptedException {
        try {
            return f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError("failed with a checked exception", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("not done within " + bound, e);
        }
    }
}
