package io.cairn.common;

/**
 * Always-on invariant checks (the JVM's {@code assert} is off by default). A broken invariant is a
 * bug in Cairn, never bad input: it throws {@link IllegalStateException} with the message.
 */
public final class Invariants {
    private Invariants() {}

    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + message);
        }
    }

    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalStateException("invariant violated: " + String.format(format, args));
        }
    }
}
