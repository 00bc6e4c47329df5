package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdMap;
import org.junit.jupiter.api.Test;

/** The kept map history: append, trim to N epochs, rebuild any kept epoch, snapshot and restore. */
class MonStateTest {
    @Test
    void keepsTheNewestEpochsAndRebuildsThem() {
        MonState s = new MonState();
        OsdMap m = WriteCommandsTest.fresh();
        s.initialize(m);
        OsdMap[] all = new OsdMap[1001];
        all[1] = m;
        for (int e = 2; e <= 1000; e++) {
            m = m.toBuilder().setFlag(ClusterFlag.NOOUT, e % 2 == 0).build(e);
            s.append(m);
            s.trim(500);
            all[e] = m;
        }
        assertEquals(1000, s.epoch());
        assertEquals(501, s.oldestEpoch());
        assertNull(s.mapAt(500), "trimmed");
        assertEquals(all[501], s.mapAt(501));
        assertEquals(all[777], s.mapAt(777));
        assertEquals(100, s.incrementalsSince(900, 1000).size());
        assertTrue(s.incrementalsSince(1000, 10).isEmpty());
        MonState restored = new MonState();
        restored.restore(s.snapshot());
        assertEquals(all[1000], restored.current());
        assertEquals(all[600], restored.mapAt(600));
        assertEquals(FsMap.EMPTY, restored.fsMap(), "no FsMap yet");
    }

    @Test
    void theFsMapSurvivesASnapshot() {
        MonState s = new MonState();
        s.initialize(WriteCommandsTest.fresh());
        OsdMap osd = FsTestCluster.osd();
        FsMap fs = FsTestCluster.newFs(FsMap.EMPTY, osd);
        s.setFsMap(fs);
        fs = FsTestCluster.boot(fs, osd, "a", FsTestCluster.GID_A);
        s.setFsMap(fs);
        fs = FsTestCluster.boot(fs, osd, "b", FsTestCluster.GID_B);
        s.setFsMap(fs);
        MonState restored = new MonState();
        restored.restore(s.snapshot());
        assertEquals(fs.data(), restored.fsMap().data());
        assertEquals(3, restored.fsMap().epoch());
        assertEquals(s.current(), restored.current());
    }
}
