package io.cairn.journaler;

import java.nio.ByteBuffer;

/**
 * Reads frames out of a journal's stream, one position at a time, and tells a valid entry from
 * the end of the data and from bytes that are no frame. It decides nothing about what an
 * invalid stretch means (a torn tail, unflushed writes that landed out of order, or damage):
 * that depends on where the header says durable data ends, which {@link JournalRecovery} and
 * {@link JournalReader} know. Reads go through a window so that small entries cost one object
 * read per window, not two per entry.
 */
public final class FrameScanner {
    /** What is at one stream position. */
    public sealed interface Step permits Entry, End, Invalid { }

    /** A whole, checksum-valid entry starting at {@code pos}. */
    public record Entry(long pos, byte[] payload) implements Step {
        public long nextPos() {
            return pos + EntryFrame.frameBytes(payload.length);
        }
    }

    /** No data at {@code pos}: the stream stops here. */
    public record End(long pos) implements Step { }

    /**
     * Data at {@code pos} that is not a valid frame; {@code nextValidPos} is where the next valid
     * frame after it starts, or -1 when none follows before the data stops (at {@code dataEndPos}).
     */
    public record Invalid(long pos, long nextValidPos, long dataEndPos) implements Step {
        public boolean followedByValid() {
            return nextValidPos >= 0;
        }
    }

    private static final int SEARCH_WINDOW_BYTES = 1 << 20;

    private final StreamSource source;
    private final long maxEntryBytes;
    private final int readaheadBytes;
    private long windowPos;
    private byte[] window = new byte[0];
    /** The window holds fewer bytes than were asked for: the data stops at its end. */
    private boolean windowShort;

    public FrameScanner(StreamSource source, long maxEntryBytes, int readaheadBytes) {
        this.source = source;
        this.maxEntryBytes = maxEntryBytes;
        this.readaheadBytes = Math.max(readaheadBytes, 4096);
    }

    /** Forgets cached bytes, so the next reads see what was written since (a tailing reader polls with it). */
    public void refresh() {
        window = new byte[0];
        windowShort = false;
    }

    /** What is at {@code pos}; an {@link Invalid} answer searches on for the next valid frame. */
    public Step at(long pos) {
        Step s = tryFrame(pos);
        if (s != null) {
            return s;
        }
        long[] found = searchFrom(pos + 1);
        return new Invalid(pos, found[0], found[1]);
    }

    /** The valid entry at {@code pos}, or null (no data, or no frame): a tailing reader's look, with no search. */
    public Entry entryAt(long pos) {
        return tryFrame(pos) instanceof Entry e ? e : null;
    }

    /** The valid entry that ends exactly at {@code endPos}, found through its trailer; null if there is none. */
    public Entry entryEndingAt(long endPos) {
        if (endPos < EntryFrame.OVERHEAD_BYTES) {
            return null;
        }
        byte[] tail = read(endPos - EntryFrame.TAIL_BYTES, EntryFrame.TAIL_BYTES);
        if (tail.length < EntryFrame.TAIL_BYTES) {
            return null;
        }
        long start = ByteBuffer.wrap(tail).getLong();
        if (start < 0 || start > endPos - EntryFrame.OVERHEAD_BYTES) {
            return null;
        }
        Entry e = entryAt(start);
        return e != null && e.nextPos() == endPos ? e : null;
    }

    /** A valid entry or the end at {@code pos}, or null when there is data there that is no frame. */
    private Step tryFrame(long pos) {
        byte[] head = read(pos, EntryFrame.HEAD_BYTES);
        if (head.length == 0) {
            return new End(pos);
        }
        if (head.length < EntryFrame.HEAD_BYTES) {
            return null;
        }
        ByteBuffer h = ByteBuffer.wrap(head);
        if (h.getLong() != EntryFrame.SENTINEL) {
            return null;
        }
        int length = h.getInt();
        if (length < 0 || length > maxEntryBytes) {
            return null;
        }
        long total = EntryFrame.frameBytes(length);
        if (total > Integer.MAX_VALUE - 16) {
            return null;
        }
        byte[] frame = read(pos, (int) total);
        if (frame.length < total) {
            return null;
        }
        ByteBuffer f = ByteBuffer.wrap(frame);
        long start = f.getLong(EntryFrame.HEAD_BYTES + length);
        int crc = f.getInt(EntryFrame.HEAD_BYTES + length + 8);
        if (start != pos || crc != EntryFrame.crc(frame, length)) {
            return null;
        }
        byte[] payload = new byte[length];
        System.arraycopy(frame, EntryFrame.HEAD_BYTES, payload, 0, length);
        return new Entry(pos, payload);
    }

    /** {next valid frame's position or -1, where the data stops} searching forward from {@code from}. */
    private long[] searchFrom(long from) {
        long at = from;
        while (true) {
            byte[] chunk = read(at, SEARCH_WINDOW_BYTES + 7);
            for (int i = 0; i + 8 <= chunk.length && i < SEARCH_WINDOW_BYTES; i++) {
                if (ByteBuffer.wrap(chunk, i, 8).getLong() == EntryFrame.SENTINEL && tryFrame(at + i) instanceof Entry) {
                    return new long[] {at + i, -1};
                }
            }
            if (chunk.length < SEARCH_WINDOW_BYTES + 7) {
                return new long[] {-1, at + chunk.length};
            }
            at += SEARCH_WINDOW_BYTES;
        }
    }

    private byte[] read(long pos, int length) {
        long windowEnd = windowPos + window.length;
        boolean inside = pos >= windowPos && (pos + length <= windowEnd || (windowShort && pos <= windowEnd));
        if (!inside) {
            int requested = Math.max(length, readaheadBytes);
            window = source.read(pos, requested);
            windowPos = pos;
            windowShort = window.length < requested;
            windowEnd = pos + window.length;
        }
        return slice(pos, (int) Math.min(length, windowEnd - pos));
    }

    private byte[] slice(long pos, int length) {
        byte[] out = new byte[Math.max(length, 0)];
        System.arraycopy(window, (int) (pos - windowPos), out, 0, out.length);
        return out;
    }
}
