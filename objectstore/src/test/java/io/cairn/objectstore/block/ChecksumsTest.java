package io.cairn.objectstore.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Every kind of buffer a write can hold gives the same per-block checksums, and keeps its position. */
class ChecksumsTest {
    @Test
    void arrayReadOnlyAndDirectBuffersAgreeWithAPlainCrc() {
        byte[] data = new byte[5 * 4096 + 100];
        new Random(9).nextBytes(data);
        int[] expected = new int[5];
        for (int i = 0; i < 5; i++) {
            CRC32C c = new CRC32C();
            c.update(data, 100 + i * 4096, 4096);
            expected[i] = (int) c.getValue();
        }
        ByteBuffer heap = ByteBuffer.wrap(data, 100, 5 * 4096);
        ByteBuffer readOnly = heap.asReadOnlyBuffer();
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).position(100).limit(100 + 5 * 4096);
        for (ByteBuffer b : new ByteBuffer[] {heap, readOnly, direct}) {
            int[] out = new int[7];
            assertEquals(5, Checksums.of(b, out, 2));
            int[] got = new int[5];
            System.arraycopy(out, 2, got, 0, 5);
            assertArrayEquals(expected, got, b.toString());
            assertEquals(100, b.position(), "the buffer's position is left alone");
        }
    }

    @Test
    void aPartialBlockIsRefused() {
        assertThrows(IllegalStateException.class, () -> Checksums.of(ByteBuffer.allocate(4097), new int[2], 0));
    }
}
