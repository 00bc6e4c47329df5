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
        return reported(map, new PgStatsTable(), (pg, b) -> b.setState(state.apply(pg)), osd -> 0L);
    }

    /** Every primary reports its PGs as {@code fill} makes them, and the repaired copies {@code repaired} gives. */
    private static PgStatsTable.Summary reported(OsdMap map, PgStatsTable table,
                                                 java.util.function.BiConsumer<PgId, PgStat.Builder> fill,
                                                 Function<Integer, Long> repaired) {
        Pool pool = map.pool("data");
        for (int osd = 0; osd < 3; osd++) {
            OsdStatsRequest.Builder r = OsdStatsRequest.newBuilder().setOsdId(osd).setEpoch(map.epoch())
                    .setNumShardsRepaired(repaired.apply(osd));
            for (int seed = 0; seed < pool.pgNum(); seed++) {
                PgId pg = new PgId(pool.id(), seed);
                PgMapping pm = map.mapPg(pg);
                if (pm.actingPrimary() == osd) {
                    PgStat.Builder b = PgStat.newBuilder().setPool(pool.id()).setSeed(seed).setState("active+clean")
                            .addAllActing(pm.acting()).setEpoch(map.epoch());
                    fill.accept(pg, b);
                    r.addPgs(b);
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
        assertEquals("HEALTH_OK\n", HealthChecks.text(HealthChecks.unmuted(checks), false));
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
        String detail = HealthChecks.text(HealthChecks.unmuted(checks), true);
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

    private static final long DAY_MS = 86_400_000L;
    private static final long NOW_MS = 1000 * DAY_MS;

    private static PgStatsTable table() {
        return new PgStatsTable(PgStatsTable.Thresholds.DEFAULTS, () -> NOW_MS);
    }

    @Test
    void scrubErrorsAreDamageAndClearOnceRepaired() {
        OsdMap map = WriteCommandsTest.cluster();
        PgStatsTable.Summary stats = reported(map, table(), (pg, b) -> {
            b.setLastScrubStampMs(NOW_MS).setLastDeepScrubStampMs(NOW_MS);
            if (pg.seed() == 3) {
                b.setState("active+clean+inconsistent").setScrubErrors(2);
            }
        }, osd -> 0L);
        List<HealthChecks.Check> checks = HealthChecks.compute(map, QUORUM, stats);
        assertEquals(List.of("OSD_SCRUB_ERRORS", "PG_DAMAGED"), codes(checks));
        assertEquals("2 scrub errors", checks.get(0).summary());
        assertEquals("Possible data damage: 1 pg inconsistent", checks.get(1).summary());
        assertEquals(List.of("pg 1.3 is active+clean+inconsistent, acting " + map.mapPg(new PgId(1, 3)).acting()),
                checks.get(1).detail());
        assertTrue(HealthChecks.text(HealthChecks.unmuted(checks), false).startsWith("HEALTH_ERR 2 scrub errors; Possible data damage"));
        // while the repair runs the PG is still damaged; once it reports clean, health is OK again
        stats = reported(map, table(), (pg, b) -> {
            b.setLastScrubStampMs(NOW_MS).setLastDeepScrubStampMs(NOW_MS);
            if (pg.seed() == 3) {
                b.setState("active+clean+scrubbing+deep+inconsistent+repair").setScrubErrors(2);
            }
        }, osd -> 0L);
        assertEquals("Possible data damage: 1 pg inconsistent, 1 pg repair",
                HealthChecks.compute(map, QUORUM, stats).get(1).summary());
        stats = reported(map, table(), (pg, b) -> b.setLastScrubStampMs(NOW_MS).setLastDeepScrubStampMs(NOW_MS),
                osd -> 0L);
        assertEquals(List.of(), codes(HealthChecks.compute(map, QUORUM, stats)));
    }

    @Test
    void aDriveWithManyRepairedCopiesIsNamed() {
        OsdMap map = WriteCommandsTest.cluster();
        PgStatsTable.Summary stats = reported(map, table(),
                (pg, b) -> b.setLastScrubStampMs(NOW_MS).setLastDeepScrubStampMs(NOW_MS), osd -> osd == 1 ? 10L : 9L);
        List<HealthChecks.Check> checks = HealthChecks.compute(map, QUORUM, stats);
        assertEquals(List.of("OSD_TOO_MANY_REPAIRS"), codes(checks));
        assertEquals("Too many repaired reads on 1 OSDs", checks.get(0).summary());
        assertEquals(List.of("osd.1 had 10 reads repaired"), checks.get(0).detail());
        assertEquals(List.of(1), HealthChecks.osdsWithTooManyRepairs(stats));
    }

    @Test
    void pgsOverdueForScrubAreNamedPastTheRatio() {
        OsdMap map = WriteCommandsTest.cluster();
        // max interval 7 d with ratio 0.5: overdue after 10.5 d; deep 7 d with ratio 0.75: after 12.25 d
        PgStatsTable.Summary stats = reported(map, table(), (pg, b) -> {
            b.setLastScrubStampMs(NOW_MS - DAY_MS).setLastDeepScrubStampMs(NOW_MS - DAY_MS);
            if (pg.seed() == 0) {
                b.setLastScrubStampMs(NOW_MS - 11 * DAY_MS).setLastDeepScrubStampMs(NOW_MS - 12 * DAY_MS);
            } else if (pg.seed() == 1) {
                b.setLastScrubStampMs(NOW_MS - 10 * DAY_MS).setLastDeepScrubStampMs(NOW_MS - 13 * DAY_MS);
            }
        }, osd -> 0L);
        List<HealthChecks.Check> checks = HealthChecks.compute(map, QUORUM, stats);
        assertEquals(List.of("PG_NOT_SCRUBBED", "PG_NOT_DEEP_SCRUBBED"), codes(checks));
        assertEquals("1 pgs not scrubbed in time", checks.get(0).summary());
        assertEquals(List.of("pg 1.0 not scrubbed since "
                + java.time.Instant.ofEpochMilli(NOW_MS - 11 * DAY_MS)), checks.get(0).detail());
        assertEquals(List.of("pg 1.1 not deep-scrubbed since "
                + java.time.Instant.ofEpochMilli(NOW_MS - 13 * DAY_MS)), checks.get(1).detail());
    }
}
