package io.cairn.objectstore;

import io.cairn.common.Invariants;
import java.nio.ByteBuffer;
import java.util.Optional;
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
    /** The same bytes as an array slice, when they are on the heap; else null. */
    private final ArraySlice slice;
    private final Runnable giveBack;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** {@code length} bytes of {@code array} from {@code offset}. */
    public record ArraySlice(byte[] array, int offset, int length) {
        public ArraySlice {
            Invariants.check(offset >= 0 && length >= 0 && offset + length <= array.length, "slice out of its array");
        }
    }

    private ReadBuffer(ByteBuffer bytes, ArraySlice slice, Runnable giveBack) {
        this.bytes = bytes;
        this.slice = slice;
        this.giveBack = giveBack;
    }

    /** Bytes the store lent: {@code giveBack} runs on close. */
    public static ReadBuffer lent(ByteBuffer bytes, Runnable giveBack) {
        return new ReadBuffer(bytes.asReadOnlyBuffer(), null, giveBack);
    }

    /** Bytes of an array the store lent: {@code giveBack} runs on close. */
    public static ReadBuffer lent(ArraySlice slice, Runnable giveBack) {
        return new ReadBuffer(ByteBuffer.wrap(slice.array(), slice.offset(), slice.length()).slice().asReadOnlyBuffer(),
                slice, giveBack);
    }

    /** Bytes of the caller's own, nothing to give back. */
    public static ReadBuffer of(byte[] bytes) {
        return new ReadBuffer(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), new ArraySlice(bytes, 0, bytes.length), NOTHING);
    }

    /**
     * The bytes as a slice of a heap array, when they are one, for a caller that would otherwise
     * copy them to get an array (a protobuf {@code ByteString} can wrap an array without copying,
     * but copies any other buffer). Read only, and valid until {@link #close}, as {@link #bytes}.
     */
    public Optional<ArraySlice> array() {
        Invariants.check(!closed.get(), "read buffer used after it was closed");
        return Optional.ofNullable(slice);
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
