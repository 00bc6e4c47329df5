package io.cairn.objectstore.block;

import io.cairn.common.Invariants;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The preallocated file object data lives in, addressed by byte offset. */
final class BlockFile implements AutoCloseable {
    /** Preallocation writes zeros in pieces this big. */
    private static final int ZERO_FILL_BYTES = 1 << 20;

    private final FileChannel channel;
    private final long sizeBytes;

    private BlockFile(FileChannel channel, long sizeBytes) {
        this.channel = channel;
        this.sizeBytes = sizeBytes;
    }

    /** Creates the file and writes every byte, so later writes cannot fail for lack of disk space. */
    static void create(Path path, long sizeBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_FILL_BYTES);
            long pos = 0;
            while (pos < sizeBytes) {
                zeros.clear().limit((int) Math.min(ZERO_FILL_BYTES, sizeBytes - pos));
                pos += ch.write(zeros, pos);
            }
            ch.force(true);
        }
    }

    static BlockFile open(Path path, long expectedSizeBytes) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = ch.size();
        if (size < expectedSizeBytes) {
            ch.close();
            throw new IOException("block file " + path + " is " + size + " bytes, superblock says " + expectedSizeBytes);
        }
        return new BlockFile(ch, expectedSizeBytes);
    }

    long sizeBytes() {
        return sizeBytes;
    }

    void write(long offset, byte[] data, int from, int length) {
        Invariants.check(offset >= 0 && offset + length <= sizeBytes, "write past block file end");
        ByteBuffer b = ByteBuffer.wrap(data, from, length);
        try {
            long pos = offset;
            while (b.hasRemaining()) {
                pos += channel.write(b, pos);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("block file write at " + offset, e);
        }
    }

    void read(long offset, byte[] into, int from, int length) {
        Invariants.check(offset >= 0 && offset + length <= sizeBytes, "read past block file end");
        ByteBuffer b = ByteBuffer.wrap(into, from, length);
        try {
            long pos = offset;
            while (b.hasRemaining()) {
                int n = channel.read(b, pos);
                if (n < 0) {
                    throw new IOException("unexpected end of block file at " + pos);
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("block file read at " + offset, e);
        }
    }

    /** Makes written data durable (fdatasync). */
    void sync() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("block file sync", e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
