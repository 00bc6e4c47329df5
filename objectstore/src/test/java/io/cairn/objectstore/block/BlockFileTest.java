package io.cairn.objectstore.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block file reads back what was written, through the direct path or the page cache. */
class BlockFileTest {
    @TempDir
    Path dir;

    @Test
    void createWritesTheWholeSizeAndRefusesAnExistingFile() throws IOException {
        Path f = dir.resolve("block");
        BlockFile.create(f, 64L << 20);
        assertEquals(64L << 20, Files.size(f));
        assertThrows(IOException.class, () -> BlockFile.create(f, 1 << 20));
        Path odd = dir.resolve("odd");
        BlockFile.create(odd, (5L << 20) + 512);
        assertEquals((5L << 20) + 512, Files.size(odd), "a tail short of a file-system block is written too");
        try (BlockFile b = BlockFile.open(f, 64L << 20)) {
            byte[] zeros = new byte[8192];
            Arrays.fill(zeros, (byte) 1);
            b.read(32L << 20, zeros, 0, zeros.length);
            assertArrayEquals(new byte[8192], zeros, "fresh space reads as zeros");
        }
    }

    /**
     * Whatever address the allocator hands back, an aligned buffer is exactly the size asked for
     * and starts aligned: a buffer that kept its spare alignment bytes was refused when given back
     * as "not a lent read buffer" (seen in CI, where the allocation happened to start aligned).
     */
    @Test
    void alignedDirectBuffersAreExactlyTheSizeAskedForAndStartAligned() {
        for (int align : new int[] {512, 4096}) {
            for (int bytes : new int[] {4096, 1 << 20, 4 << 20}) {
                for (int i = 0; i < 8; i++) {
                    ByteBuffer b = BlockFile.alignedDirect(bytes, align);
                    assertEquals(bytes, b.capacity());
                    assertEquals(0, b.alignmentOffset(0, align));
                }
            }
        }
    }

    private static int[] crcs(byte[] data) {
        int[] out = new int[data.length / 4096];
        for (int i = 0; i < out.length; i++) {
            CRC32C c = new CRC32C();
            c.update(data, i * 4096, 4096);
            out[i] = (int) c.getValue();
        }
        return out;
    }

    @Test
    void alignedWritesLargerThanTheStagingBufferAndUnalignedOnesReadBackWithTheirChecksums() throws IOException {
        Path f = dir.resolve("block");
        BlockFile.create(f, 64L << 20);
        Random r = new Random(5);
        byte[] big = new byte[BlockFile.DIRECT_STAGING_BYTES * 2 + 3 * 4096];
        r.nextBytes(big);
        byte[] odd = new byte[4096];
        r.nextBytes(odd);
        try (BlockFile b = BlockFile.open(f, 64L << 20)) {
            // a view from inside a larger array, as a protobuf payload's is
            byte[] framed = new byte[big.length + 17];
            System.arraycopy(big, 0, framed, 17, big.length);
            ByteBuffer view = ByteBuffer.wrap(framed, 17, big.length).slice().asReadOnlyBuffer();
            assertArrayEquals(crcs(big), b.write(4096, view), "the checksums are those of the bytes written");
            assertEquals(0, view.remaining(), "the write consumes its buffer");
            // an offset off the file system's blocks goes through the page cache
            assertArrayEquals(crcs(odd), b.write(40L << 20 | 123, ByteBuffer.wrap(odd)));
            b.sync();
        }
        try (BlockFile b = BlockFile.open(f, 64L << 20)) {
            byte[] back = new byte[big.length];
            b.read(4096, back, 0, back.length);
            assertArrayEquals(big, back);
            byte[] oddBack = new byte[odd.length];
            b.read(40L << 20 | 123, oddBack, 0, oddBack.length);
            assertArrayEquals(odd, oddBack);
            byte[] before = new byte[4096];
            b.read(0, before, 0, before.length);
            assertArrayEquals(new byte[4096], before, "bytes before the write are untouched");
        }
    }

    @Test
    void largeReadsOfCachedWritesNotYetWrittenBackSeeTheNewBytes() throws IOException {
        Path f = dir.resolve("block");
        BlockFile.create(f, 16L << 20);
        Random r = new Random(8);
        byte[] large = new byte[3 * (1 << 20) + 8192];
        r.nextBytes(large);
        try (BlockFile b = BlockFile.open(f, 16L << 20)) {
            // deferred writes go through the page cache; a direct read of their range must see them
            for (int at = 0; at < large.length; at += 65536) {
                b.writeCached(8192 + at, Arrays.copyOfRange(large, at, Math.min(large.length, at + 65536)));
            }
            byte[] back = new byte[large.length];
            b.read(8192, back, 0, back.length);
            assertArrayEquals(large, back);
            byte[] middle = new byte[BlockFile.DIRECT_READ_MIN_BYTES];
            b.read(8192 + 4096, middle, 0, middle.length);
            assertArrayEquals(Arrays.copyOfRange(large, 4096, 4096 + middle.length), middle);
        }
    }
}
