package io.cairn.mds;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Runs async tasks with at most {@code window} in flight; fails with the first failure once all have ended. */
final class Window {
    private final List<Supplier<CompletableFuture<?>>> tasks;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private Window(List<Supplier<CompletableFuture<?>>> tasks) {
        this.tasks = tasks;
    }

    static CompletableFuture<Void> runAll(List<Supplier<CompletableFuture<?>>> tasks, int window) {
        Window w = new Window(tasks);
        if (tasks.isEmpty()) {
            w.done.complete(null);
            return w.done;
        }
        for (int i = 0; i < Math.min(window, tasks.size()); i++) {
            w.fill();
        }
        return w.done;
    }

    /**
     * Keeps one slot busy: starts tasks until one is still running. Tasks that complete at once
     * are handled in this loop rather than by recursion, so thousands of them cannot overflow the stack.
     */
    private void fill() {
        while (true) {
            int i = next.getAndIncrement();
            if (i >= tasks.size()) {
                return;
            }
            CompletableFuture<?> f;
            try {
                f = tasks.get(i).get();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            if (!f.isDone()) {
                f.whenComplete((v, t) -> {
                    if (ended(t)) {
                        fill();
                    }
                });
                return;
            }
            Throwable t = null;
            try {
                f.join();
            } catch (RuntimeException e) {
                t = e;
            }
            if (!ended(t)) {
                return;
            }
        }
    }

    /** Counts a task as ended; false once every task has (and {@code done} is completed). */
    private boolean ended(Throwable t) {
        if (t != null) {
            firstFailure.compareAndSet(null, t);
        }
        if (finished.incrementAndGet() < tasks.size()) {
            return true;
        }
        Throwable fail = firstFailure.get();
        if (fail == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(fail);
        }
        return false;
    }
}
