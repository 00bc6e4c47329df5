package io.cairn.objectstore;

/**
 * Always-on invariant checks. JVM {@code assert} is off by default, and a broken invariant in a
 * store means data at risk, so these run in production too.
 */
public final class Invariants {
    private Invariants() {}

    /** Throws {@link IllegalStateException} with {@code message} when {@code condition} is false. */
    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + message);
        }
    }

    /** As {@link #check(boolean, String)}, formatting the message only on failure. */
    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + String.format(format, args));
        }
    }
}
