package io.cairn.common;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting on a future the way a blocking API should: its own exception, not a CompletionException around it. */
public final class Futures {
    private Futures() {}

    /** The future's value; a RuntimeException it failed with is thrown as itself. */
    public static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }
}
