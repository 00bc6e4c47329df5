package io.cairn.objectstore.block;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/** What mkfs decided: format version, allocation unit and block file size. */
record Superblock(int version, int unitBytes, long blockFileBytes, UUID fsid) {
    static final byte[] MAGIC = "CAIRN-OS".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;

    long unitsTotal() {
        return blockFileBytes / unitBytes;
    }

    byte[] encode() {
        return ByteBuffer.allocate(MAGIC.length + 4 + 4 + 8 + 16).put(MAGIC).putInt(version).putInt(unitBytes)
                .putLong(blockFileBytes).putLong(fsid.getMostSignificantBits())
                .putLong(fsid.getLeastSignificantBits()).array();
    }

    static Superblock decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalStateException("not a Cairn object store (bad magic)");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IllegalStateException("object store format version " + version + ", this build reads " + VERSION);
        }
        return new Superblock(version, b.getInt(), b.getLong(), new UUID(b.getLong(), b.getLong()));
    }
}
