package io.cairn.objectstore.block;

import io.cairn.common.Invariants;
import io.cairn.objectstore.ObjectStoreException;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * An object's data as extents: reads verify every 4 KiB block's crc32c; writes always go to
 * newly allocated units (redirect on write), so the old data stays intact until the metadata
 * commit that drops it is durable, and a crash leaves an object old or new, never mixed.
 * Units shared by clones carry a reference count; only the last reference frees them.
 */
final class ObjectData {
    private static final int BLOCK = ExtentRecord.CSUM_BLOCK_BYTES;
    private static final int RECORD_MAX = ExtentRecord.RECORD_BYTES_MAX;
    private static final byte[] ZEROS = new byte[64 << 10];

    private final MetaDb db;
    private final BlockFile file;
    private final Allocator allocator;
    private final DeferredWrites deferred;
    private final int unitBytes;

    ObjectData(MetaDb db, BlockFile file, Allocator allocator, DeferredWrites deferred, int unitBytes) {
        Invariants.check(unitBytes >= BLOCK && unitBytes <= RECORD_MAX && Integer.bitCount(unitBytes) == 1,
                "allocation unit %d must be a power of two in 4 KiB..1 MiB", unitBytes);
        this.db = db;
        this.file = file;
        this.allocator = allocator;
        this.deferred = deferred;
        this.unitBytes = unitBytes;
    }

    int unitBytes() {
        return unitBytes;
    }

    /** The records overlapping logical {@code [from, to)}, in order. */
    List<ExtentRecord> records(Txn<byte[]> txn, long nid, long from, long to) {
        List<ExtentRecord> out = new ArrayList<>();
        MetaDb.scan(db.extents, txn, Keys.extent(nid, Math.max(0, from - RECORD_MAX + 1)), Keys.extent(nid, to),
                (k, v) -> {
                    ExtentRecord r = ExtentRecord.decode(Keys.extentOffset(k), v);
                    if (r.logicalEnd() > from) {
                        out.add(r);
                    }
                    return true;
                });
        return out;
    }

    /** Bytes {@code [offset, min(size, offset + length))}; holes are zeros. */
    byte[] read(Txn<byte[]> txn, String objectName, long nid, long sizeBytes, long offset, long length) {
        long end = Math.min(sizeBytes, offset + length);
        if (end <= offset) {
            return new byte[0];
        }
        byte[] out = new byte[Math.toIntExact(end - offset)];
        CRC32C crc = new CRC32C();
        for (ExtentRecord r : records(txn, nid, offset, end)) {
            long from = Math.max(offset, r.logicalOffset());
            long to = Math.min(end, r.logicalEnd());
            int b0 = (int) ((from - r.logicalOffset()) / BLOCK);
            int b1 = (int) ((to - r.logicalOffset() + BLOCK - 1) / BLOCK);
            long skip = from - r.logicalOffset() - (long) b0 * BLOCK;
            int spanBytes = (b1 - b0) * BLOCK;
            if (skip == 0 && to - from == spanBytes) {
                // whole checksum blocks wanted (a whole-object read): straight into the result
                file.read(r.physicalOffset() + (long) b0 * BLOCK, out, (int) (from - offset), spanBytes);
                verify(crc, out, (int) (from - offset), b1 - b0, r, b0, objectName);
                continue;
            }
            byte[] buf = new byte[spanBytes];
            file.read(r.physicalOffset() + (long) b0 * BLOCK, buf, 0, buf.length);
            verify(crc, buf, 0, b1 - b0, r, b0, objectName);
            System.arraycopy(buf, (int) skip, out, (int) (from - offset), (int) (to - from));
        }
        return out;
    }

    /**
     * Reads logical {@code [from, from + dest.remaining())} (whole checksum blocks) into
     * {@code dest}, a lent direct buffer, straight from the device: runs of extents that are
     * contiguous on the disk too (a whole object written at once) in one request each, holes as
     * zeros; then verifies every block.
     */
    void readInto(Txn<byte[]> txn, String objectName, long nid, long from, ByteBuffer dest) {
        int length = dest.remaining();
        Invariants.check(dest.position() == 0 && from % BLOCK == 0 && length % BLOCK == 0,
                "direct reads are whole blocks into a buffer's start");
        long to = from + length;
        List<ExtentRecord> recs = records(txn, nid, from, to);
        long cursor = from;
        for (int i = 0; i < recs.size(); ) {
            ExtentRecord r = recs.get(i);
            long start = Math.max(from, r.logicalOffset());
            zeroFill(dest, (int) (cursor - from), (int) (start - from));
            long physical = r.physicalOffset() + (start - r.logicalOffset());
            long end = Math.min(to, r.logicalEnd());
            int j = i + 1;
            for (; j < recs.size() && end < to; j++) {
                ExtentRecord next = recs.get(j);
                if (next.logicalOffset() != end || next.physicalOffset() != physical + (end - start)) {
                    break;
                }
                end = Math.min(to, next.logicalEnd());
            }
            file.readDirect(physical, dest.slice((int) (start - from), (int) (end - start)));
            cursor = end;
            i = j;
        }
        zeroFill(dest, (int) (cursor - from), length);
        CRC32C crc = new CRC32C();
        for (ExtentRecord r : recs) {
            long start = Math.max(from, r.logicalOffset());
            long end = Math.min(to, r.logicalEnd());
            for (long at = start; at < end; at += BLOCK) {
                crc.reset();
                crc.update(dest.slice((int) (at - from), BLOCK));
                int b = (int) ((at - r.logicalOffset()) / BLOCK);
                if ((int) crc.getValue() != r.crcs()[b]) {
                    throw new ObjectStoreException.ChecksumError(objectName, at, r.physicalOffset() + (long) b * BLOCK);
                }
            }
        }
    }

    private static void zeroFill(ByteBuffer dest, int from, int to) {
        for (int i = from; i < to; i += ZEROS.length) {
            dest.put(i, ZEROS, 0, Math.min(ZEROS.length, to - i));
        }
    }

    /** Checks {@code blocks} checksum blocks of {@code buf} from {@code at} against record blocks from {@code b0}. */
    private static void verify(CRC32C crc, byte[] buf, int at, int blocks, ExtentRecord r, int b0, String objectName) {
        for (int i = 0; i < blocks; i++) {
            crc.reset();
            crc.update(buf, at + i * BLOCK, BLOCK);
            if ((int) crc.getValue() != r.crcs()[b0 + i]) {
                long blockOffset = (long) (b0 + i) * BLOCK;
                throw new ObjectStoreException.ChecksumError(objectName, r.logicalOffset() + blockOffset,
                        r.physicalOffset() + blockOffset);
            }
        }
    }

    /** Bytes the object's extents hold (shared units counted in full). */
    long allocatedBytes(Txn<byte[]> txn, long nid) {
        long[] n = {0};
        MetaDb.scan(db.extents, txn, Keys.nidPrefix(nid), Keys.nidPrefix(nid + 1), (k, v) -> {
            n[0] += ExtentRecord.decode(Keys.extentOffset(k), v).lengthBytes();
            return true;
        });
        return n[0];
    }

    /**
     * Writes {@code data} at {@code offset}, read-modify-writing partly covered units. A write that
     * covers whole units goes to the file straight from {@code data}, without a copy.
     */
    void write(Txn<byte[]> txn, TxnEffects fx, String objectName, long nid, long sizeBytes, long offset, ByteBuffer data) {
        int length = data.remaining();
        if (length == 0) {
            return;
        }
        long start = floorUnit(offset);
        long end = ceilUnit(offset + length);
        if (start == offset && end == offset + length) {
            writeUnits(txn, fx, nid, start, data);
            return;
        }
        byte[] buf = new byte[Math.toIntExact(end - start)];
        if (offset > start && start < sizeBytes) {
            byte[] head = read(txn, objectName, nid, sizeBytes, start, unitBytes);
            System.arraycopy(head, 0, buf, 0, head.length);
        }
        long tailStart = end - unitBytes;
        if (offset + length < end && tailStart < sizeBytes && tailStart >= start + (offset > start ? unitBytes : 0)) {
            byte[] tail = read(txn, objectName, nid, sizeBytes, tailStart, unitBytes);
            System.arraycopy(tail, 0, buf, (int) (tailStart - start), tail.length);
        }
        data.get(data.position(), buf, (int) (offset - start), length);
        writeUnits(txn, fx, nid, start, buf);
    }

    void writeUnits(Txn<byte[]> txn, TxnEffects fx, long nid, long start, byte[] buf) {
        writeUnits(txn, fx, nid, start, ByteBuffer.wrap(buf));
    }

    /**
     * Replaces whole units {@code [start, start + remaining)} with {@code buf}'s bytes in fresh
     * space: a small write as a deferred record, a larger one straight to the device.
     */
    private void writeUnits(Txn<byte[]> txn, TxnEffects fx, long nid, long start, ByteBuffer buf) {
        int length = buf.remaining();
        Invariants.check(start % unitBytes == 0 && length % unitBytes == 0 && length > 0, "unaligned unit write");
        release(txn, fx, nid, start, start + length);
        List<AuRun> runs = allocator.allocate(length / unitBytes);
        fx.allocated.addAll(runs);
        boolean defer = deferred.wants(length);
        if (!defer) {
            fx.directBytes += length;
        }
        int base = buf.position();
        int pos = 0;
        for (AuRun run : runs) {
            int runBytes = Math.toIntExact(run.count() * unitBytes);
            long phys = run.start() * unitBytes;
            ByteBuffer runData = buf.slice(base + pos, runBytes);
            int[] runCrcs = defer ? deferred.write(txn, fx, phys, runData) : file.write(phys, runData);
            for (int off = 0; off < runBytes; off += RECORD_MAX) {
                int n = Math.min(RECORD_MAX, runBytes - off);
                int[] crcs = Arrays.copyOfRange(runCrcs, off / BLOCK, (off + n) / BLOCK);
                ExtentRecord r = new ExtentRecord(start + pos + off, phys + off, n, crcs);
                db.extents.put(txn, Keys.extent(nid, r.logicalOffset()), r.encodeValue());
            }
            pos += runBytes;
        }
    }

    /** Makes {@code [offset, offset + length)} read as zeros, dropping units it covers. */
    void zero(Txn<byte[]> txn, TxnEffects fx, String objectName, long nid, long sizeBytes, long offset, long length) {
        long clipEnd = Math.min(offset + length, sizeBytes);
        if (clipEnd <= offset) {
            return;
        }
        long lo = offset / unitBytes;
        long hi = (clipEnd + unitBytes - 1) / unitBytes;
        boolean loWhole = wholeForZero(lo, offset, clipEnd, sizeBytes);
        boolean hiWhole = wholeForZero(hi - 1, offset, clipEnd, sizeBytes);
        if (!loWhole) {
            zeroPart(txn, fx, objectName, nid, sizeBytes, lo, offset, clipEnd);
        }
        if (hi - 1 != lo && !hiWhole) {
            zeroPart(txn, fx, objectName, nid, sizeBytes, hi - 1, offset, clipEnd);
        }
        long wholeFrom = loWhole ? lo : lo + 1;
        long wholeTo = hiWhole ? hi : hi - 1;
        if (wholeFrom < wholeTo) {
            release(txn, fx, nid, wholeFrom * unitBytes, wholeTo * unitBytes);
        }
    }

    /** A unit is dropped when the zeroed range covers it up to its end or the object's end. */
    private boolean wholeForZero(long unit, long offset, long clipEnd, long sizeBytes) {
        long us = unit * unitBytes;
        long from = Math.max(offset, us);
        long to = Math.min(clipEnd, us + unitBytes);
        return from == us && (to == us + unitBytes || to == sizeBytes);
    }

    private void zeroPart(Txn<byte[]> txn, TxnEffects fx, String objectName, long nid, long sizeBytes, long unit,
                          long offset, long clipEnd) {
        long us = unit * unitBytes;
        if (records(txn, nid, us, us + unitBytes).isEmpty()) {
            return;
        }
        byte[] buf = Arrays.copyOf(read(txn, objectName, nid, sizeBytes, us, unitBytes), unitBytes);
        long from = Math.max(offset, us);
        long to = Math.min(clipEnd, us + unitBytes);
        Arrays.fill(buf, (int) (from - us), (int) (to - us), (byte) 0);
        writeUnits(txn, fx, nid, us, buf);
    }

    /** Shrinks data to {@code newSize}: drops units past it and zeros the tail of the last one. */
    void truncate(Txn<byte[]> txn, TxnEffects fx, String objectName, long nid, long sizeBytes, long newSize) {
        if (newSize >= sizeBytes) {
            return;
        }
        release(txn, fx, nid, ceilUnit(newSize), Long.MAX_VALUE);
        long tail = newSize % unitBytes;
        long us = floorUnit(newSize);
        if (tail != 0 && !records(txn, nid, us, us + unitBytes).isEmpty()) {
            byte[] buf = Arrays.copyOf(read(txn, objectName, nid, sizeBytes, us, tail), unitBytes);
            writeUnits(txn, fx, nid, us, buf);
        }
    }

    /** Drops every extent of the object. */
    void removeAll(Txn<byte[]> txn, TxnEffects fx, long nid) {
        release(txn, fx, nid, 0, Long.MAX_VALUE);
    }

    /** Gives {@code destNid} the same extents as {@code srcNid}, sharing the units. */
    void shareAll(Txn<byte[]> txn, long srcNid, long destNid) {
        List<ExtentRecord> recs = records(txn, srcNid, 0, Long.MAX_VALUE);
        for (ExtentRecord r : recs) {
            db.extents.put(txn, Keys.extent(destNid, r.logicalOffset()), r.encodeValue());
            addRefs(txn, r.physicalOffset() / unitBytes, r.lengthBytes() / unitBytes);
        }
    }

    /** Removes logical {@code [from, to)} (unit aligned) from the extent map, freeing unshared units. */
    private void release(Txn<byte[]> txn, TxnEffects fx, long nid, long from, long to) {
        for (ExtentRecord r : records(txn, nid, from, to)) {
            db.extents.delete(txn, Keys.extent(nid, r.logicalOffset()));
            if (r.logicalOffset() < from) {
                ExtentRecord left = r.slice(r.logicalOffset(), from);
                db.extents.put(txn, Keys.extent(nid, left.logicalOffset()), left.encodeValue());
            }
            if (r.logicalEnd() > to) {
                ExtentRecord right = r.slice(to, r.logicalEnd());
                db.extents.put(txn, Keys.extent(nid, right.logicalOffset()), right.encodeValue());
            }
            ExtentRecord cut = r.slice(Math.max(from, r.logicalOffset()), Math.min(to, r.logicalEnd()));
            dropRefs(txn, fx, cut.physicalOffset() / unitBytes, cut.lengthBytes() / unitBytes);
        }
    }

    private TreeMap<Long, Integer> sharedCounts(Txn<byte[]> txn, long startUnit, long count) {
        TreeMap<Long, Integer> shared = new TreeMap<>();
        MetaDb.scan(db.refs, txn, Keys.longKey(startUnit), Keys.longKey(startUnit + count), (k, v) -> {
            shared.put(Keys.longOf(k), ByteBuffer.wrap(v).getInt());
            return true;
        });
        return shared;
    }

    private void dropRefs(Txn<byte[]> txn, TxnEffects fx, long startUnit, long count) {
        TreeMap<Long, Integer> shared = sharedCounts(txn, startUnit, count);
        long runStart = startUnit;
        for (long u = startUnit; u <= startUnit + count; u++) {
            Integer c = u < startUnit + count ? shared.get(u) : null;
            boolean boundary = u == startUnit + count || c != null;
            if (boundary) {
                if (u > runStart) {
                    AuRun run = new AuRun(runStart, u - runStart);
                    allocator.free(run);
                    fx.freed.add(run);
                    deferred.forget(txn, runStart * unitBytes, u * unitBytes);
                }
                runStart = u + 1;
            }
            if (c != null) {
                Invariants.check(c >= 2, "shared unit %d has count %d", u, c);
                if (c == 2) {
                    db.refs.delete(txn, Keys.longKey(u));
                } else {
                    db.refs.put(txn, Keys.longKey(u), ByteBuffer.allocate(4).putInt(c - 1).array());
                }
            }
        }
    }

    private void addRefs(Txn<byte[]> txn, long startUnit, long count) {
        TreeMap<Long, Integer> shared = sharedCounts(txn, startUnit, count);
        for (long u = startUnit; u < startUnit + count; u++) {
            int c = shared.getOrDefault(u, 1);
            db.refs.put(txn, Keys.longKey(u), ByteBuffer.allocate(4).putInt(c + 1).array());
        }
    }

    private long floorUnit(long v) {
        return v - v % unitBytes;
    }

    private long ceilUnit(long v) {
        return floorUnit(v + unitBytes - 1);
    }
}
