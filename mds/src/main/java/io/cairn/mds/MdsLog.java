package io.cairn.mds;

import java.util.concurrent.CompletableFuture;

/**
 * A rank's journal as the rank uses it: replay once, then append events and flush them, expire
 * what was written back and trim it. {@link RadosMdsLog} is the journaler's writer over the
 * metadata pool; {@link MemoryJournal} holds one in memory for tests. Positions are opaque,
 * growing numbers; an entry's position is where it starts.
 */
public interface MdsLog extends AutoCloseable {
    /** Receives replayed entries in order. */
    interface Sink {
        void entry(long pos, byte[] payload);
    }

    /** Every entry from the expire position to the end, in order; only before the first append. Blocking. */
    void replay(Sink sink);

    /** Appends one entry and returns its position; not durable until a later {@link #flush} completes. */
    long append(byte[] payload);

    /** Completes when every entry appended before it is durable; fails once the log was fenced or failed. */
    CompletableFuture<Void> flush();

    /** Where the next entry goes. */
    long appendPos();

    /** Everything before this is durable. */
    long safePos();

    long expirePos();

    /** Marks everything before {@code pos} (an entry start, at most {@link #safePos}) as no longer needed. */
    void expire(long pos);

    /** Deletes what lies wholly below the expire position. */
    CompletableFuture<Void> trim();

    /** Flushes and stops; the journal stays taken until the next writer opens it. */
    @Override
    void close();
}
