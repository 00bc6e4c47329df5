package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.OsdStatsRequest;
import io.cairn.proto.v1.PgStat;
import org.junit.jupiter.api.Test;

/** Degraded copies add up across primaries; recovery rates come from each OSD's last two reports. */
class PgStatsTableTest {
    private static OsdStatsRequest report(OsdMap map, int osd, long stampMs, long recoveredObjects, long recoveredBytes) {
        Pool pool = map.pool("data");
        OsdStatsRequest.Builder r = OsdStatsRequest.newBuilder().setOsdId(osd).setEpoch(map.epoch()).setStampMs(stampMs)
                .setRecoveredObjects(recoveredObjects).setRecoveredBytes(recoveredBytes).setTotalBytes(1L << 30)
                .setAvailBytes(1L << 29).setUsedBytes(1L << 29);
        for (int seed = 0; seed < pool.pgNum(); seed++) {
            PgMapping pm = map.mapPg(new PgId(pool.id(), seed));
            if (pm.actingPrimary() == osd) {
                boolean recovering = seed == 0;
                r.addPgs(PgStat.newBuilder().setPool(pool.id()).setSeed(seed).addAllActing(pm.acting())
                        .setState(recovering ? "activating+recovering+degraded" : "active+clean").setObjects(10)
                        .setBytes(1000).setDegradedObjects(recovering ? 4 : 0));
            }
        }
        return r.build();
    }

    @Test
    void degradedCopiesAndRecoveryRatesReachPgStat() {
        OsdMap map = WriteCommandsTest.cluster();
        PgStatsTable table = new PgStatsTable();
        for (int osd = 0; osd < 3; osd++) {
            table.report(report(map, osd, 1_000, 100, 100L << 20));
        }
        PgStatsTable.Summary first = table.summarize(map);
        assertEquals(4, first.recovery().degradedObjects());
        assertEquals(16 * 10 * 3, first.recovery().objectCopies(), "16 PGs of 10 objects, 3 copies each");
        assertEquals(0.0, first.recovery().objectsPerSec(), "one report per OSD: no rate yet");
        for (int osd = 0; osd < 3; osd++) {
            table.report(report(map, osd, 3_000, 140, 140L << 20));
        }
        PgStatsTable.Summary second = table.summarize(map);
        assertEquals(60.0, second.recovery().objectsPerSec(), 1e-9, "3 OSDs x 40 objects in 2 s");
        assertEquals(60.0 * (1 << 20), second.recovery().bytesPerSec(), 1e-3);
        String line = DataViews.pgStat(map, second).plain();
        assertTrue(line.startsWith("16 pgs: 1 activating+recovering+degraded, 15 active+clean; "), line);
        assertTrue(line.endsWith("avail; 4/480 objects degraded (0.833%); 60 MiB/s, 60 objects/s recovering\n"), line);
        // an OSD that restarted counts from zero: its pair gives no rate
        table.report(report(map, 0, 5_000, 3, 3));
        assertEquals(40.0, table.summarize(map).recovery().objectsPerSec(), 1e-9);
    }

    @Test
    void aPgWhosePrimaryWentDownBeforeANewOneReportedIsStale() {
        OsdMap map = WriteCommandsTest.cluster();
        PgStatsTable table = new PgStatsTable();
        for (int osd = 0; osd < 3; osd++) {
            table.report(report(map, osd, 1_000, 0, 0));
        }
        OsdMap down = WriteCommandsTest.ok(WriteCommandsTest.run(map, "osd down", java.util.Map.of("ids", "0")));
        java.util.Map<String, Integer> expected = new java.util.TreeMap<>();
        for (int seed = 0; seed < 16; seed++) {
            // what report() says for each PG, marked stale where osd.0 said it
            String state = seed == 0 ? "activating+recovering+degraded" : "active+clean";
            boolean ledByDown = map.mapPg(new PgId(map.pool("data").id(), seed)).actingPrimary() == 0;
            expected.merge(ledByDown ? "stale+" + state : state, 1, Integer::sum);
        }
        assertTrue(expected.keySet().stream().anyMatch(k -> k.startsWith("stale+")), "osd.0 led some PGs");
        assertEquals(expected, table.summarize(down).pgStates(),
                "each PG osd.0 last reported is stale until its new primary reports");
        for (int osd = 1; osd < 3; osd++) {
            table.report(report(down, osd, 2_000, 0, 0));
        }
        assertTrue(table.summarize(down).pgStates().keySet().stream().noneMatch(k -> k.startsWith("stale")),
                "the new primaries reported");
    }
}
