package io.cairn.objectstore.block;

import io.cairn.common.Invariants;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Small writes made durable through the metadata commit instead of the block file, as BlueStore's
 * deferred writes are. A direct write of 4 KiB waits for the device on its own, and the commit
 * then syncs the block file and the B+tree: three device round trips before a small write is
 * safe, where one suffices. A deferred write puts its bytes in the {@code deferred} table of the
 * same LMDB transaction as its extents, and writes them to the block file through the page cache
 * (readers see them there at once); the block file is synced later, for many of them at a time,
 * and only then are their records dropped ({@link #retireAll}). A mount replays whatever records
 * remain ({@link #replay}).
 *
 * <p>A record is keyed by the block-file offset it covers. Units freed by a transaction lose the
 * records covering them in that transaction ({@link #forget}), so a replay never writes stale
 * bytes over a unit that was freed and then reused by a direct write.
 */
final class DeferredWrites {
    /** No record is larger: {@link #forget} looks this far back for a record overlapping a range. */
    static final int RECORD_BYTES_MAX = 1 << 20;
    private static final int BLOCK = ExtentRecord.CSUM_BLOCK_BYTES;

    private final MetaDb db;
    private final BlockFile file;
    private final int preferBytes;

    /** Writes of at most {@code preferBytes} (0 = none) are deferred. */
    DeferredWrites(MetaDb db, BlockFile file, int preferBytes) {
        Invariants.check(preferBytes >= 0 && preferBytes <= RECORD_BYTES_MAX, "deferred size %d", preferBytes);
        this.db = db;
        this.file = file;
        this.preferBytes = preferBytes;
    }

    boolean wants(int lengthBytes) {
        return lengthBytes <= preferBytes;
    }

    /**
     * Records {@code data}'s remaining bytes for {@code physicalOffset} in {@code txn} and writes
     * them to the block file's page cache; returns the crc32c of each block.
     */
    int[] write(Txn<byte[]> txn, TxnEffects fx, long physicalOffset, ByteBuffer data) {
        Invariants.check(data.remaining() <= RECORD_BYTES_MAX, "deferred write of %d bytes", data.remaining());
        byte[] bytes = new byte[data.remaining()];
        data.get(data.position(), bytes);
        int[] crcs = new int[bytes.length / BLOCK];
        Checksums.of(ByteBuffer.wrap(bytes), crcs, 0);
        db.deferred.put(txn, Keys.longKey(physicalOffset), bytes);
        file.writeCached(physicalOffset, bytes);
        fx.deferredBytes += bytes.length;
        return crcs;
    }

    /**
     * Drops what the records hold for block-file bytes {@code [from, to)}, which are being freed:
     * a record wholly inside goes, one that overlaps keeps only its bytes outside the range.
     */
    void forget(Txn<byte[]> txn, long from, long to) {
        List<byte[][]> overlapping = new ArrayList<>();
        MetaDb.scan(db.deferred, txn, Keys.longKey(Math.max(0, from - RECORD_BYTES_MAX + 1)), Keys.longKey(to),
                (k, v) -> {
                    if (Keys.longOf(k) + v.length > from) {
                        overlapping.add(new byte[][] {k, v});
                    }
                    return true;
                });
        for (byte[][] kv : overlapping) {
            long start = Keys.longOf(kv[0]);
            byte[] bytes = kv[1];
            db.deferred.delete(txn, kv[0]);
            if (start < from) {
                db.deferred.put(txn, kv[0], Arrays.copyOf(bytes, (int) (from - start)));
            }
            long end = start + bytes.length;
            if (end > to) {
                db.deferred.put(txn, Keys.longKey(to),
                        Arrays.copyOfRange(bytes, (int) (to - start), bytes.length));
            }
        }
    }

    /** Drops every record: the caller has just synced the block file, which holds all their bytes. */
    void retireAll(Txn<byte[]> txn) {
        db.deferred.drop(txn);
    }

    /** Every record, by block-file offset (for fsck, which checks data as a mount would see it). */
    static NavigableMap<Long, byte[]> all(MetaDb db, Txn<byte[]> txn) {
        TreeMap<Long, byte[]> out = new TreeMap<>();
        MetaDb.scan(db.deferred, txn, Keys.longKey(0), null, (k, v) -> {
            out.put(Keys.longOf(k), v);
            return true;
        });
        return out;
    }

    /**
     * Writes every remaining record to the block file, syncs it, and drops the records: after a
     * crash the block file may lack writes whose commit was durable. Returns the bytes replayed.
     */
    static long replay(MetaDb db, BlockFile file) {
        long bytes = 0;
        try (Txn<byte[]> txn = db.env.txnWrite()) {
            NavigableMap<Long, byte[]> records = all(db, txn);
            if (records.isEmpty()) {
                return 0;
            }
            for (var e : records.entrySet()) {
                file.writeCached(e.getKey(), e.getValue());
                bytes += e.getValue().length;
            }
            file.sync();
            db.deferred.drop(txn);
            db.commitDurably(txn);
        }
        return bytes;
    }
}
