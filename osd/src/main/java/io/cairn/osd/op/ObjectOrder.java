package io.cairn.osd.op;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs the operations on one object one at a time, in arrival order, each starting only when
 * the previous one is fully done (durable on every replica); operations on different objects
 * run side by side. Work is handed to {@code executor}, never run on a completing thread.
 */
public final class ObjectOrder {
    private final ConcurrentHashMap<String, CompletableFuture<?>> tails = new ConcurrentHashMap<>();
    private final Executor executor;

    public ObjectOrder(Executor executor) {
        this.executor = executor;
    }

    /** The slot of one object of a PG (the locator key does not matter: one name, one object). */
    public static String key(io.cairn.common.osdmap.PgId pg, String nspace, String name) {
        return pg + "/" + nspace + "/" + name;
    }

    public <T> CompletableFuture<T> submit(String key, Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> mine = new CompletableFuture<>();
        tails.compute(key, (k, prev) -> {
            CompletableFuture<?> before = prev == null ? CompletableFuture.completedFuture(null) : prev;
            before.handle((x, e) -> null).thenComposeAsync(v -> {
                try {
                    return work.get();
                } catch (RuntimeException e) {
                    return CompletableFuture.<T>failedFuture(e);
                }
            }, executor).whenComplete((r, e) -> {
                if (e != null) {
                    mine.completeExceptionally(e);
                } else {
                    mine.complete(r);
                }
            });
            return mine;
        });
        mine.whenComplete((r, e) -> tails.remove(key, mine));
        return mine;
    }

    public int inFlightObjects() {
        return tails.size();
    }
}
