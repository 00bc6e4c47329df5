package io.cairn.osd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.block.BlockStore;
import io.cairn.osd.snap.SnapObjects;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cairn osd fsck} on a stopped OSD's data directory: clean, then a lost clone, then a running store. */
class OsdFsckCommandTest {
    private static final CollectionId PG = CollectionId.of("1.3");
    private static final ObjectId HEAD = new ObjectId("obj", "", ObjectId.HEAD, 0x33);

    @TempDir
    Path dir;

    private record Run(int exit, String out) {}

    private Run fsck(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new OsdFsckCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        return new Run(cl.execute(args), out.toString());
    }

    @Test
    void checksTheStoreAndTheSnapshotsOfAStoppedOsd() throws Exception {
        OsdDaemon.mkfs(dir, 0, "5e0c0a2b-0000-4000-8000-000000000000", 64L << 20);
        Path storeDir = dir.resolve(OsdIdentity.STORE_DIR);
        try (BlockStore s = new BlockStore(storeDir)) {
            s.mount();
            s.queueTransactions(List.of(new Transaction().createCollection(PG, HashRange.ALL))).join();
            SnapObjects.put(s, PG, HEAD, 20_000, Map.of(4L, 12_000, 8L, 30_000), "x", new Random(5));
        }
        Run clean = fsck("--path", dir.toString(), "--deep");
        assertEquals(0, clean.exit(), clean.out());
        assertTrue(clean.out().contains("snapshots: 1 PGs, 1 heads, 2 clones, clean"), clean.out());

        try (BlockStore s = new BlockStore(storeDir)) {
            s.mount();
            s.queueTransactions(List.of(new Transaction().remove(PG, HEAD.withSnap(8)))).join();
            Run running = fsck("--path", dir.toString());
            assertEquals(1, running.exit(), running.out());
            assertTrue(running.out().contains("is in use"), running.out());
        }
        Run damaged = fsck("--path", dir.toString());
        assertEquals(1, damaged.exit(), damaged.out());
        assertTrue(damaged.out().contains("1.3: obj#00000033: clone 8 in its SnapSet is missing"), damaged.out());
        assertTrue(damaged.out().contains("store: "), damaged.out());
    }
}
