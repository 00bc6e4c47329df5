package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.OsdStatsRequest;
import io.cairn.proto.v1.PgStat;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Health as Ceph words it, judged from the map, the quorum and the primaries' PG reports. */
class HealthChecksTest {
    private static final MonMap MONS = new MonMap(List.of(new MonMap.Member("a", 0, "127.0.0.1", 6789, 6889)));
    private static final QuorumView QUORUM = new QuorumView(1, "a", List.of("a"), MONS, 10, true);

    /** Every primary reports its PGs, with the state the function gives. */
    private static PgStatsTable.Summary reported(OsdMap map, Function<PgId, String> state) {
        PgStatsTable table = new PgStatsTable();
        Pool pool = map.pool("data");
        for (int osd = 0; osd < 3; osd++) {
            OsdStatsRequest.Builder r = OsdStatsRequest.newBuilder().setOsdId(osd).setEpoch(map.epoch());
            for (int seed = 0; seed < pool.pgNum(); seed++) {
                PgId pg = new PgId(pool.id(), seed);
                PgMapping pm = map.mapPg(pg);
                if (pm.actingPrimary() == osd) {
                    r.addPgs(PgStat.newBuilder().setPool(pool.id()).setSeed(seed).setState(state.apply(pg))
                            .addAllActing(pm.acting()).setEpoch(map.epoch()));
                }
            }
            table.report(r.build());
        }
        return table.summarize(map);
    }

    private static List<String> codes(List<HealthChecks.Check> checks) {
        return checks.stream().map(HealthChecks.Check::code).toList();
    }

    @Test
    void allActiveCleanIsHealthy() {
        OsdMap map = WriteCommandsTest.cluster();
        List<HealthChecks.Check> checks = HealthChecks.compute(map, QUORUM, reported(map, pg -> "active+clean"));
        assertEquals(List.of(), codes(checks));
        assertEquals("HEALTH_OK\n", HealthChecks.text(checks, false));
    }

    @Test
    void unreportedPgsAreUnknownAndInactive() {
        OsdMap map = WriteCommandsTest.cluster();
        List<HealthChecks.Check> checks = HealthChecks.compute(map, QUORUM, new PgStatsTable().summarize(map));
        assertEquals(List.of("PG_AVAILABILITY"), codes(checks));
        assertEquals("Reduced data availability: 16 pgs inactive", checks.get(0).summary());
        assertTrue(checks.get(0).detail().contains("pg 1.0 is inactive, current state unknown"));
    }

    @Test
    void peeringAndDegradedPgsAreCountedApart() {
        OsdMap map = WriteCommandsTest.cluster();
        PgStatsTable.Summary stats = reported(map, pg -> switch (pg.seed()) {
            case 0 -> "peering";
            case 1 -> "undersized+degraded+peering";
            case 2, 3 -> "active+undersized+degraded";
            default -> "active+clean";
        });
        List<HealthChecks.Check> checks = HealthChecks.compute(map, QUORUM, stats);
        assertEquals(List.of("PG_AVAILABILITY", "PG_DEGRADED"), codes(checks));
        assertEquals("Reduced data availability: 2 pgs inactive, 2 pgs peering", checks.get(0).summary());
        assertEquals("Degraded data redundancy: 3 pgs degraded, 3 pgs undersized", checks.get(1).summary());
        assertEquals(List.of("pg 1.1 is degraded, current state undersized+degraded+peering",
                "pg 1.2 is degraded, current state active+undersized+degraded",
                "pg 1.3 is degraded, current state active+undersized+degraded"), checks.get(1).detail());
        String detail = HealthChecks.text(checks, true);
        assertTrue(detail.startsWith("HEALTH_WARN Reduced data availability"), detail);
        assertTrue(detail.contains("    pg 1.1 is degraded, current state undersized+degraded+peering\n"), detail);
        assertFalse(detail.contains("pg 1.4 "), "clean PGs are not listed: " + detail);
    }

    @Test
    void detailNamesAtMostFiftyPgs() {
        OsdMap map = WriteCommandsTest.ok(WriteCommandsTest.run(WriteCommandsTest.cluster(), "osd pool create",
                java.util.Map.of("pool", "big", "pg_num", "112")));
        List<HealthChecks.Check> checks = HealthChecks.compute(map, QUORUM, new PgStatsTable().summarize(map));
        assertEquals("Reduced data availability: 128 pgs inactive", checks.get(0).summary());
        assertEquals(PgStatsTable.NOT_CLEAN_LISTED_MAX, checks.get(0).detail().size());
    }

    @Test
    void stalePgsReduceAvailabilityAndAreNamed() {
        OsdMap map = WriteCommandsTest.cluster();
        PgStatsTable.Summary stats = reported(map, pg -> switch (pg.seed()) {
            case 0 -> "stale+active+clean";
            case 1 -> "incomplete";
            case 2 -> "down";
            default -> "active+clean";
        });
        List<HealthChecks.Check> checks = HealthChecks.compute(map, QUORUM, stats);
        assertEquals(List.of("PG_AVAILABILITY"), codes(checks));
        assertEquals("Reduced data availability: 2 pgs inactive, 1 pg down, 1 pg incomplete, 1 pg stale",
                checks.get(0).summary());
        assertEquals(List.of("pg 1.0 is stale, current state stale+active+clean",
                "pg 1.1 is inactive, current state incomplete", "pg 1.2 is inactive, current state down"),
                checks.get(0).detail());
    }
}
