package io.cairn.objectstore.block;

import io.cairn.common.Invariants;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The crc32c of each 4 KiB checksum block of a buffer. {@code CRC32C} reads direct and
 * array-backed buffers in place, but a read-only heap view (what a protobuf payload gives) only
 * through a scratch copy of every block: 4-10x slower, so writers checksum their direct copy.
 */
final class Checksums {
    private static final int BLOCK = ExtentRecord.CSUM_BLOCK_BYTES;

    private Checksums() {}

    /**
     * Puts the checksum of each block of {@code src}'s remaining bytes into {@code out} from
     * {@code at}, leaving {@code src}'s position alone; returns how many blocks it checksummed.
     */
    static int of(ByteBuffer src, int[] out, int at) {
        Invariants.check(src.remaining() % BLOCK == 0, "checksummed bytes are whole blocks");
        int blocks = src.remaining() / BLOCK;
        ByteBuffer view = src.duplicate();
        CRC32C crc = new CRC32C();
        for (int i = 0; i < blocks; i++) {
            int from = src.position() + i * BLOCK;
            view.limit(from + BLOCK).position(from);
            crc.reset();
            crc.update(view);
            out[at + i] = (int) crc.getValue();
        }
        return blocks;
    }
}
