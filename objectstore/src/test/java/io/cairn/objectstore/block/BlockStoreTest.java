package io.cairn.objectstore.block;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.StatFs;
import io.cairn.objectstore.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Txn;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What only the block store has: durability across remounts, group commit, checksums, fsck repair. */
class BlockStoreTest {
    private static final CollectionId C = CollectionId.of("3.1_head");

    @TempDir
    Path dir;

    private BlockStore mkfsAndMount(long bytes) {
        BlockStore.mkfs(dir, bytes, 4096);
        BlockStore s = new BlockStore(dir);
        s.mount();
        s.apply(new Transaction().createCollection(C, HashRange.ALL));
        return s;
    }

    private static ObjectId oid(String name) {
        return ObjectId.head(name, name.hashCode());
    }

    @Test
    void dataAttrsOmapAndSpaceSurviveARemount() {
        Random r = new Random(11);
        byte[] data = new byte[300_000];
        r.nextBytes(data);
        StatFs before;
        try (BlockStore s = mkfsAndMount(32 << 20)) {
            s.apply(new Transaction().write(C, oid("a"), 0, data).setAttr(C, oid("a"), "_", new byte[] {1, 2})
                    .omapSetKeys(C, oid("a"), java.util.Map.of("k", new byte[] {3})).clone(C, oid("a"), oid("b")));
            before = s.statfs();
        }
        try (BlockStore s = new BlockStore(dir)) {
            s.mount();
            assertArrayEquals(data, s.read(C, oid("a"), 0, 0));
            assertArrayEquals(data, s.read(C, oid("b"), 0, 0));
            assertArrayEquals(new byte[] {1, 2}, s.getAttr(C, oid("b"), "_").orElseThrow());
            assertEquals(before, s.statfs());
        }
        assertTrue(Fsck.run(dir, true, false).clean());
    }

    @Test
    void concurrentTransactionsShareCommits() {
        try (BlockStore s = mkfsAndMount(32 << 20)) {
            long commitsBefore = s.commitCount();
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                fs.add(s.queueTransaction(new Transaction().write(C, oid("o" + i), 0, new byte[4096])));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).join();
            long commits = s.commitCount() - commitsBefore;
            assertTrue(commits < 500, "500 transactions took " + commits + " commits");
            assertEquals(500L * 4096, s.statfs().allocatedBytes());
        }
    }

    @Test
    void aFlippedByteIsAChecksumErrorNamingTheObjectAndFsckDeepFindsIt() throws Exception {
        long physical;
        try (BlockStore s = mkfsAndMount(32 << 20)) {
            Transaction t = new Transaction();
            for (String n : List.of("a", "b", "c")) {
                t.write(C, oid(n), 0, new byte[65536]);
            }
            s.apply(t);
            physical = s.extentsOf(C, oid("b")).get(0)[1] + 10_000;
        }
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(BlockStore.BLOCK_FILE).toFile(), "rw")) {
            f.seek(physical);
            int v = f.read();
            f.seek(physical);
            f.write(v ^ 0x40);
        }
        try (BlockStore s = new BlockStore(dir)) {
            s.mount();
            ObjectStoreException.ChecksumError e = assertThrows(ObjectStoreException.ChecksumError.class,
                    () -> s.read(C, oid("b"), 0, 0));
            assertTrue(e.getMessage().contains(oid("b").toString()), e.getMessage());
            assertThrows(ObjectStoreException.ChecksumError.class, () -> s.read(C, oid("b"), 8192, 10));
            assertArrayEquals(new byte[100], s.read(C, oid("b"), 40_000, 100), "other blocks still read");
            assertArrayEquals(new byte[65536], s.read(C, oid("a"), 0, 0));
            assertArrayEquals(new byte[65536], s.read(C, oid("c"), 0, 0));
            assertThrows(ObjectStoreException.ChecksumError.class,
                    () -> s.apply(new Transaction().write(C, oid("b"), 10_001, new byte[] {1})),
                    "a read-modify-write never spreads bad bytes");
        }
        assertTrue(Fsck.run(dir, false, false).clean(), "metadata is consistent");
        FsckReport deep = Fsck.run(dir, true, false);
        assertFalse(deep.clean());
        assertEquals(List.of(C + "/" + oid("b")), deep.damagedObjects());
    }

    @Test
    void aFlippedByteInALargeObjectIsAChecksumErrorOnTheDirectPathAndItsBufferGoesBack() throws Exception {
        byte[] data = new byte[2 << 20];
        new Random(12).nextBytes(data);
        long physical;
        try (BlockStore s = mkfsAndMount(32 << 20)) {
            s.apply(new Transaction().write(C, oid("big"), 0, data).write(C, oid("other"), 0, data));
            physical = s.extentsOf(C, oid("big")).get(1)[1] + 777;
        }
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(BlockStore.BLOCK_FILE).toFile(), "rw")) {
            f.seek(physical);
            int v = f.read();
            f.seek(physical);
            f.write(v ^ 0x01);
        }
        try (BlockStore s = new BlockStore(dir)) {
            s.mount();
            for (int i = 0; i < 2 * BlockFile.READ_BUFFERS_MAX; i++) {
                assertThrows(ObjectStoreException.ChecksumError.class, () -> s.readBuffer(C, oid("big"), 0, 0));
            }
            try (io.cairn.objectstore.ReadBuffer b = s.readBuffer(C, oid("other"), 0, 0)) {
                // a lent array, not a fresh one from a read through the page cache
                assertEquals(BlockFile.READ_BUFFER_BYTES, b.array().orElseThrow().array().length,
                        "the failed reads gave their buffers back");
                byte[] got = new byte[b.length()];
                b.bytes().get(got);
                assertArrayEquals(data, got);
            }
        }
    }

    @Test
    void aLargeReadIsHandedOnInALentArrayAndEveryArrayComesBackForTheNext() {
        byte[] data = new byte[1 << 20];
        new Random(5).nextBytes(data);
        try (BlockStore s = mkfsAndMount(32 << 20)) {
            s.apply(new Transaction().write(C, oid("big"), 0, data));
            java.util.List<io.cairn.objectstore.ReadBuffer> held = new java.util.ArrayList<>();
            java.util.Set<byte[]> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (int i = 0; i < BlockFile.READ_ARRAYS_MAX; i++) {
                io.cairn.objectstore.ReadBuffer b = s.readBuffer(C, oid("big"), 4096 + i, 300_000);
                held.add(b);
                var a = b.array().orElseThrow();
                assertEquals(BlockFile.READ_BUFFER_BYTES, a.array().length, "a lent array");
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 4096 + i, 4096 + i + 300_000),
                        java.util.Arrays.copyOfRange(a.array(), a.offset(), a.offset() + a.length()));
                assertArrayEquals(bytesOf(b), java.util.Arrays.copyOfRange(a.array(), a.offset(), a.offset() + a.length()));
                arrays.add(a.array());
            }
            assertEquals(BlockFile.READ_ARRAYS_MAX, arrays.size(), "each read has an array of its own");
            // every array out: the direct buffer the disk read into is handed on instead
            try (io.cairn.objectstore.ReadBuffer b = s.readBuffer(C, oid("big"), 0, 0)) {
                assertTrue(b.array().isEmpty() && b.bytes().isDirect());
                assertArrayEquals(data, bytesOf(b));
            }
            held.forEach(io.cairn.objectstore.ReadBuffer::close);
            for (int i = 0; i < BlockFile.READ_ARRAYS_MAX; i++) {
                io.cairn.objectstore.ReadBuffer b = s.readBuffer(C, oid("big"), 0, 0);
                held.add(b);
                assertTrue(arrays.contains(b.array().orElseThrow().array()), "a given-back array is lent again");
                assertArrayEquals(data, bytesOf(b), "with this read's bytes, not the last borrower's");
            }
            held.subList(BlockFile.READ_ARRAYS_MAX, held.size()).forEach(io.cairn.objectstore.ReadBuffer::close);
        }
    }

    private static byte[] bytesOf(io.cairn.objectstore.ReadBuffer b) {
        byte[] got = new byte[b.length()];
        b.bytes().get(got);
        return got;
    }

    @Test
    void aMountedStoreCannotBeMountedOrCheckedAgainUntilItIsUnmounted() {
        try (BlockStore s = mkfsAndMount(32 << 20)) {
            var second = assertThrows(ObjectStoreException.Unavailable.class, () -> new BlockStore(dir).mount());
            assertTrue(second.getMessage().contains("in use"), second.getMessage());
            assertThrows(ObjectStoreException.Unavailable.class, () -> Fsck.run(dir, false, false));
            s.apply(new Transaction().write(C, oid("a"), 0, new byte[4096]));
        }
        assertTrue(Fsck.run(dir, false, false).clean());
        try (BlockStore s = new BlockStore(dir)) {
            s.mount();
            assertArrayEquals(new byte[4096], s.read(C, oid("a"), 0, 0));
        }
    }

    @Test
    void fsckFindsAndRepairsLeakedSpace() {
        try (BlockStore s = mkfsAndMount(32 << 20)) {
            s.apply(new Transaction().write(C, oid("a"), 0, new byte[8192]));
        }
        // Leak: mark 5 free units allocated, as a crash between allocation and use could if the
        // bitmap were written separately from the metadata.
        try (MetaDb db = MetaDb.open(dir.resolve(BlockStore.META_DIR), 64L << 20); Txn<byte[]> txn = db.env.txnWrite()) {
            java.util.BitSet bits = new java.util.BitSet();
            Allocator.loadChunk(bits, 0, db.bitmap.get(txn, Keys.longKey(0)));
            bits.set(1000, 1005);
            db.bitmap.put(txn, Keys.longKey(0), Allocator.chunkBytes(bits, 0));
            txn.commit();
        }
        FsckReport found = Fsck.run(dir, false, false);
        assertFalse(found.clean());
        assertEquals(5L * 4096, found.leakedBytes());
        try (BlockStore s = new BlockStore(dir)) {
            s.mount();
            assertEquals(7L * 4096, s.statfs().allocatedBytes(), "the leak shows in statfs before repair");
        }
        assertTrue(Fsck.run(dir, false, true).repaired());
        assertTrue(Fsck.run(dir, true, false).clean());
        try (BlockStore s = new BlockStore(dir)) {
            s.mount();
            assertEquals(2L * 4096, s.statfs().allocatedBytes());
            assertArrayEquals(new byte[8192], s.read(C, oid("a"), 0, 0));
        }
    }

    @Test
    void largeObjectsAndUnitSizesOtherThan4k() {
        Path d64 = dir.resolve("au64k");
        BlockStore.mkfs(d64, 64 << 20, 65536);
        Random r = new Random(2);
        byte[] big = new byte[(5 << 20) + 123];
        r.nextBytes(big);
        try (BlockStore s = new BlockStore(d64)) {
            s.mount();
            s.apply(new Transaction().createCollection(C, HashRange.ALL).write(C, oid("big"), 0, big));
            s.apply(new Transaction().write(C, oid("big"), 70_000, new byte[10]));
            System.arraycopy(new byte[10], 0, big, 70_000, 10);
            assertArrayEquals(big, s.read(C, oid("big"), 0, 0));
            assertEquals(((big.length + 65535) / 65536) * 65536L, s.statfs().allocatedBytes());
        }
        assertTrue(Fsck.run(d64, true, false).clean());
        assertThrows(ObjectStoreException.InvalidArgument.class, () -> BlockStore.mkfs(dir.resolve("x"), 1 << 20, 3000));
    }
}
