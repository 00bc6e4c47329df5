package io.cairn.objectstore.block;

import io.cairn.common.Invariants;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A run of an object's data: {@code lengthBytes} at {@code logicalOffset} in the object live at
 * {@code physicalOffset} in the block file, with one crc32c per 4 KiB block. Offsets and length
 * are allocation-unit aligned, so splitting a record keeps its checksums intact.
 */
record ExtentRecord(long logicalOffset, long physicalOffset, int lengthBytes, int[] crcs) {
    static final int CSUM_BLOCK_BYTES = 4096;
    /** Keeps records (and the rewrite a split costs) small. */
    static final int RECORD_BYTES_MAX = 1 << 20;

    ExtentRecord {
        Invariants.check(logicalOffset % CSUM_BLOCK_BYTES == 0 && physicalOffset % CSUM_BLOCK_BYTES == 0,
                "extent offsets must be block aligned");
        Invariants.check(lengthBytes > 0 && lengthBytes <= RECORD_BYTES_MAX && lengthBytes % CSUM_BLOCK_BYTES == 0,
                "extent length %d", lengthBytes);
        Invariants.check(crcs.length == lengthBytes / CSUM_BLOCK_BYTES, "one crc per block");
    }

    long logicalEnd() {
        return logicalOffset + lengthBytes;
    }

    /** The part of this record covering logical {@code [from, to)}, which must be block aligned. */
    ExtentRecord slice(long from, long to) {
        Invariants.check(from >= logicalOffset && to <= logicalEnd() && from < to, "slice outside record");
        int first = (int) ((from - logicalOffset) / CSUM_BLOCK_BYTES);
        int last = (int) ((to - logicalOffset) / CSUM_BLOCK_BYTES);
        return new ExtentRecord(from, physicalOffset + (from - logicalOffset), (int) (to - from),
                Arrays.copyOfRange(crcs, first, last));
    }

    byte[] encodeValue() {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + 4 * crcs.length).putLong(physicalOffset).putInt(lengthBytes);
        for (int c : crcs) {
            b.putInt(c);
        }
        return b.array();
    }

    static ExtentRecord decode(long logicalOffset, byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        long phys = b.getLong();
        int len = b.getInt();
        int[] crcs = new int[len / CSUM_BLOCK_BYTES];
        for (int i = 0; i < crcs.length; i++) {
            crcs[i] = b.getInt();
        }
        return new ExtentRecord(logicalOffset, phys, len, crcs);
    }
}
