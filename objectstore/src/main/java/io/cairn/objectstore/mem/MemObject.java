package io.cairn.objectstore.mem;

import io.cairn.common.Invariants;
import io.cairn.common.Utf8Order;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * One object in a {@link MemStore}. Data lives in allocation-unit chunks that are never changed
 * in place, so a clone shares them until one side writes, as the block store shares extents.
 * Chunks past {@code sizeBytes} never exist, and bytes past the size inside the last chunk are 0.
 */
final class MemObject {
    final int unitBytes;
    long sizeBytes;
    final TreeMap<Long, byte[]> chunks;
    final TreeMap<String, byte[]> attrs;
    final TreeMap<String, byte[]> omap;
    byte[] omapHeader;

    MemObject(int unitBytes) {
        this(unitBytes, 0, new TreeMap<>(), new TreeMap<>(Utf8Order.COMPARATOR),
                new TreeMap<>(Utf8Order.COMPARATOR), new byte[0]);
    }

    private MemObject(int unitBytes, long sizeBytes, TreeMap<Long, byte[]> chunks, TreeMap<String, byte[]> attrs,
                      TreeMap<String, byte[]> omap, byte[] omapHeader) {
        this.unitBytes = unitBytes;
        this.sizeBytes = sizeBytes;
        this.chunks = chunks;
        this.attrs = attrs;
        this.omap = omap;
        this.omapHeader = omapHeader;
    }

    /** A copy sharing the (immutable) chunk and value arrays. */
    MemObject copy() {
        return new MemObject(unitBytes, sizeBytes, new TreeMap<>(chunks), new TreeMap<>(attrs), new TreeMap<>(omap),
                omapHeader);
    }

    byte[] read(long offset, long length) {
        long end = Math.min(sizeBytes, offset + length);
        if (end <= offset) {
            return new byte[0];
        }
        byte[] out = new byte[(int) (end - offset)];
        for (long c = offset / unitBytes; c * unitBytes < end; c++) {
            byte[] chunk = chunks.get(c);
            if (chunk == null) {
                continue;
            }
            long chunkStart = c * unitBytes;
            long from = Math.max(offset, chunkStart);
            long to = Math.min(end, chunkStart + unitBytes);
            System.arraycopy(chunk, (int) (from - chunkStart), out, (int) (from - offset), (int) (to - from));
        }
        return out;
    }

    void write(long offset, ByteBuffer data) {
        if (!data.hasRemaining()) {
            sizeBytes = Math.max(sizeBytes, offset);
            return;
        }
        long end = offset + data.remaining();
        for (long c = offset / unitBytes; c * unitBytes < end; c++) {
            long chunkStart = c * unitBytes;
            long from = Math.max(offset, chunkStart);
            long to = Math.min(end, chunkStart + unitBytes);
            byte[] old = chunks.get(c);
            byte[] fresh = old == null ? new byte[unitBytes] : old.clone();
            data.get(data.position() + (int) (from - offset), fresh, (int) (from - chunkStart), (int) (to - from));
            chunks.put(c, fresh);
        }
        sizeBytes = Math.max(sizeBytes, end);
    }

    /** Whole chunks in the range are dropped (holes read as zeros); partly covered ones are rewritten. */
    void zero(long offset, long length) {
        long end = offset + length;
        long clipEnd = Math.min(end, sizeBytes);
        for (long c = offset / unitBytes; clipEnd > offset && c * unitBytes < clipEnd; c++) {
            long chunkStart = c * unitBytes;
            byte[] old = chunks.get(c);
            if (old == null) {
                continue;
            }
            long from = Math.max(offset, chunkStart);
            long to = Math.min(clipEnd, chunkStart + unitBytes);
            boolean wholeOrTail = from == chunkStart && (to == chunkStart + unitBytes || to == sizeBytes);
            if (wholeOrTail) {
                chunks.remove(c);
            } else {
                byte[] fresh = old.clone();
                Arrays.fill(fresh, (int) (from - chunkStart), (int) (to - chunkStart), (byte) 0);
                chunks.put(c, fresh);
            }
        }
        sizeBytes = Math.max(sizeBytes, end);
    }

    void truncate(long newSize) {
        if (newSize < sizeBytes) {
            long firstGone = (newSize + unitBytes - 1) / unitBytes;
            chunks.tailMap(firstGone, true).clear();
            long tail = newSize % unitBytes;
            byte[] last = chunks.get(newSize / unitBytes);
            if (tail != 0 && last != null) {
                byte[] fresh = last.clone();
                Arrays.fill(fresh, (int) tail, unitBytes, (byte) 0);
                chunks.put(newSize / unitBytes, fresh);
            }
        }
        sizeBytes = newSize;
        Invariants.check(chunks.isEmpty() || chunks.lastKey() * unitBytes < Math.max(sizeBytes, 1),
                "chunk past object size");
    }

    long allocatedBytes() {
        return (long) chunks.size() * unitBytes;
    }

    static TreeMap<String, byte[]> copyValues(Map<String, byte[]> in) {
        TreeMap<String, byte[]> out = new TreeMap<>(Utf8Order.COMPARATOR);
        in.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }
}
