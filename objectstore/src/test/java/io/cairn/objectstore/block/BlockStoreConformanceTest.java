package io.cairn.objectstore.block;

import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.ObjectStoreConformanceTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockStoreConformanceTest extends ObjectStoreConformanceTest {
    @TempDir
    Path tmp;
    private int stores;
    private Path lastDir;

    @Override
    protected ObjectStore newStore(long totalBytes) {
        lastDir = tmp.resolve("store" + stores++);
        BlockStore.mkfs(lastDir, totalBytes, UNIT);
        BlockStore s = new BlockStore(lastDir);
        s.mount();
        return s;
    }

    /** Every test leaves a store that fsck, shallow and deep, finds consistent. */
    @AfterEach
    void fsckIsClean() {
        store.close();
        FsckReport report = Fsck.run(lastDir, true, false);
        assertTrue(report.clean(), () -> "fsck: " + report.errors());
        assertEquals(0, report.leakedBytes());
    }
}
