package io.cairn.objectstore;

import io.cairn.common.Invariants;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bytes an object read returned, possibly in memory the store lends out (a direct buffer its
 * reads go into straight from the disk): valid until {@link #close}, which gives that memory back
 * and must happen exactly once, after the last use of {@link #bytes}. A reply that carries them
 * is closed once the network has copied it out.
 */
public final class ReadBuffer implements AutoCloseable {
    private static final Runnable NOTHING = () -> { };

    private final ByteBuffer bytes;
    private final Runnable giveBack;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ReadBuffer(ByteBuffer bytes, Runnable giveBack) {
        this.bytes = bytes;
        this.giveBack = giveBack;
    }

    /** Bytes the store lent: {@code giveBack} runs on close. */
    public static ReadBuffer lent(ByteBuffer bytes, Runnable giveBack) {
        return new ReadBuffer(bytes.asReadOnlyBuffer(), giveBack);
    }

    /** Bytes of the caller's own, nothing to give back. */
    public static ReadBuffer of(byte[] bytes) {
        return new ReadBuffer(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), NOTHING);
    }

    /** The bytes read (a read-only view, positioned at the first). */
    public ByteBuffer bytes() {
        Invariants.check(!closed.get(), "read buffer used after it was closed");
        return bytes.duplicate();
    }

    public int length() {
        return bytes.remaining();
    }

    @Override
    public void close() {
        Invariants.check(closed.compareAndSet(false, true), "read buffer closed twice");
        giveBack.run();
    }
}
