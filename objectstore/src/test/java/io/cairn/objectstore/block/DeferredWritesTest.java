package io.cairn.objectstore.block;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Txn;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small writes made durable by the metadata commit, replayed after a crash, forgotten when freed. */
class DeferredWritesTest {
    private static final CollectionId C = CollectionId.of("3.1_head");
    private static final int K4 = 4096;
    private static final int CHILD_OBJECTS = 64;
    private static final int HALT_STATUS = 57;

    @TempDir
    Path dir;

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** A metadata environment and block file on their own, for the record-level cases. */
    private record Parts(MetaDb db, BlockFile file, DeferredWrites deferred) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            file.close();
            db.close();
        }
    }

    private Parts parts() throws Exception {
        BlockFile.create(dir.resolve("block"), 1 << 20);
        java.nio.file.Files.createDirectories(dir.resolve("meta"));
        MetaDb db = MetaDb.open(dir.resolve("meta"), 16L << 20);
        BlockFile file = BlockFile.open(dir.resolve("block"), 1 << 20);
        return new Parts(db, file, new DeferredWrites(db, file, 64 << 10));
    }

    private static int[] write(Parts p, long offset, byte[] data) {
        try (Txn<byte[]> txn = p.db().env.txnWrite()) {
            int[] crcs = p.deferred().write(txn, new TxnEffects(), offset, ByteBuffer.wrap(data));
            txn.commit();
            return crcs;
        }
    }

    private static NavigableMap<Long, byte[]> records(Parts p) {
        try (Txn<byte[]> txn = p.db().env.txnRead()) {
            return DeferredWrites.all(p.db(), txn);
        }
    }

    @Test
    void forgettingARangeKeepsOnlyTheBytesOfEachRecordOutsideIt() throws Exception {
        try (Parts p = parts()) {
            write(p, 0, filled(4 * K4, 1));
            write(p, 8 * K4, filled(K4, 2));
            write(p, 16 * K4, filled(4 * K4, 3));
            try (Txn<byte[]> txn = p.db().env.txnWrite()) {
                // the tail of the first record, all of the second, the head of the third
                p.deferred().forget(txn, 3 * K4, 17 * K4);
                txn.commit();
            }
            NavigableMap<Long, byte[]> left = records(p);
            assertEquals(List.of(0L, 17L * K4), List.copyOf(left.keySet()));
            assertArrayEquals(filled(3 * K4, 1), left.get(0L));
            assertArrayEquals(filled(3 * K4, 3), left.get(17L * K4));
        }
    }

    @Test
    void replayRewritesWhatTheBlockFileLostAndDropsTheRecords() throws Exception {
        byte[] data = new byte[2 * K4];
        new Random(5).nextBytes(data);
        try (Parts p = parts()) {
            write(p, 4 * K4, data);
        }
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("block").toFile(), "rw")) {
            f.seek(4 * K4);
            f.write(filled(2 * K4, 0xa5));
        }
        try (Parts p = parts0()) {
            assertEquals(2L * K4, DeferredWrites.replay(p.db(), p.file()));
            byte[] back = new byte[2 * K4];
            p.file().read(4 * K4, back, 0, back.length);
            assertArrayEquals(data, back);
            assertTrue(records(p).isEmpty());
            assertEquals(0L, DeferredWrites.replay(p.db(), p.file()));
        }
    }

    /** The parts over the files an earlier {@link #parts()} made. */
    private Parts parts0() {
        MetaDb db = MetaDb.open(dir.resolve("meta"), 16L << 20);
        try {
            BlockFile file = BlockFile.open(dir.resolve("block"), 1 << 20);
            return new Parts(db, file, new DeferredWrites(db, file, 64 << 10));
        } catch (java.io.IOException e) {
            db.close();
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aStoreLeavesNoRecordsAfterACleanUnmountAndReadsSmallWritesBackAtOnce() {
        BlockStore.mkfs(dir, 16 << 20, K4);
        byte[] small = new byte[5000];
        new Random(7).nextBytes(small);
        try (BlockStore s = new BlockStore(dir)) {
            s.mount();
            s.apply(new Transaction().createCollection(C, HashRange.ALL));
            ObjectId a = ObjectId.head("a", 1);
            s.apply(new Transaction().write(C, a, 0, small));
            assertArrayEquals(small, s.read(C, a, 0, 0));
        }
        assertTrue(Fsck.pendingDeferredWrites(dir).isEmpty());
        assertTrue(Fsck.run(dir, true, false).clean());
    }

    /**
     * A process that acks small writes and then dies at once, before anything syncs the block
     * file: the metadata must hold a record for every unit of every acked write, and a mount over
     * a block file that lost them all (as after a power cut) must read every byte back.
     */
    @Test
    void everyAckedSmallWriteHasItsRecordWhenTheProcessDies() throws Exception {
        BlockStore.mkfs(dir, 16 << 20, K4);
        Process child = new ProcessBuilder(childCommand(dir)).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not exit");
        assertEquals(HALT_STATUS, child.exitValue(), out);
        List<long[]> pending = Fsck.pendingDeferredWrites(dir);
        long units = 0;
        for (String line : out.lines().filter(l -> l.startsWith("extent ")).toList()) {
            String[] f = line.split(" ");
            long phys = Long.parseLong(f[2]);
            long length = Long.parseLong(f[3]);
            for (long at = phys; at < phys + length; at += K4) {
                long unit = at;
                assertTrue(pending.stream().anyMatch(r -> r[0] <= unit && unit < r[0] + r[1]),
                        () -> "no deferred record covers " + f[1] + "'s unit at " + unit);
                units++;
            }
        }
        assertEquals(CHILD_OBJECTS * 2L, units, out);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(BlockStore.BLOCK_FILE).toFile(), "rw")) {
            for (long[] r : pending) {
                f.seek(r[0]);
                f.write(filled((int) r[1], 0xa5));
            }
        }
        try (BlockStore s = new BlockStore(dir)) {
            s.mount();
            for (int i = 0; i < CHILD_OBJECTS; i++) {
                assertArrayEquals(childData(i), s.read(C, childOid(i), 0, 0), "object " + i);
            }
        }
        assertTrue(Fsck.run(dir, true, false).clean());
    }

    private static ObjectId childOid(int i) {
        return ObjectId.head("o" + i, i * 7919);
    }

    private static byte[] childData(int i) {
        byte[] b = new byte[2 * K4 - 100 + i];
        new Random(i).nextBytes(b);
        return b;
    }

    private static List<String> childCommand(Path store) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AckThenDie.class.getName(), store.toString()));
        return cmd;
    }

    /** The child: writes small objects concurrently, prints their extents once all are acked, and halts. */
    static final class AckThenDie {
        public static void main(String[] args) {
            // nothing may retire the records before the halt
            BlockStoreOptions options = BlockStoreOptions.DEFAULT.withDeferredRetire(Long.MAX_VALUE, 3_600_000);
            BlockStore s = new BlockStore(Path.of(args[0]), options);
            s.mount();
            s.apply(new Transaction().createCollection(C, HashRange.ALL));
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < CHILD_OBJECTS; i++) {
                acks.add(s.queueTransaction(new Transaction().write(C, childOid(i), 0, childData(i))));
            }
            acks.forEach(CompletableFuture::join);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < CHILD_OBJECTS; i++) {
                for (long[] e : s.extentsOf(C, childOid(i))) {
                    out.append("extent o").append(i).append(' ').append(e[1]).append(' ').append(e[2]).append('\n');
                }
            }
            System.out.print(out);
            System.out.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
