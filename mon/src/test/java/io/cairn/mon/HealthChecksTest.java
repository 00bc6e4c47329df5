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
import java.util.Map;
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
        // scrubbed again: both clear
        PgStatsTable.Summary scrubbed = reported(map, table(), (pg, b) -> b.setLastScrubStampMs(NOW_MS - DAY_MS)
                .setLastDeepScrubStampMs(NOW_MS - 2 * DAY_MS), osd -> 0L);
        assertEquals(List.of(), codes(HealthChecks.compute(map, QUORUM, scrubbed)));
    }

    /** Each OSD reports {@code usedPercent} of a 100 GiB disk and the given slow ops. */
    private static PgStatsTable.Summary withSpace(OsdMap map, Function<Integer, Integer> usedPercent,
                                                  Function<Integer, Integer> slowOps) {
        PgStatsTable table = table();
        Pool pool = map.pool("data");
        for (int osd = 0; osd < 3; osd++) {
            long total = 100L << 30;
            OsdStatsRequest.Builder r = OsdStatsRequest.newBuilder().setOsdId(osd).setEpoch(map.epoch())
                    .setTotalBytes(total).setUsedBytes(total / 100 * usedPercent.apply(osd))
                    .setSlowOps(slowOps.apply(osd)).setOldestSlowOpSec(slowOps.apply(osd) > 0 ? 42 : 0);
            for (int seed = 0; seed < pool.pgNum(); seed++) {
                PgMapping pm = map.mapPg(new PgId(pool.id(), seed));
                if (pm.actingPrimary() == osd) {
                    // each PG holds 1 GiB: 16 GiB stored, 48 GiB of copies
                    r.addPgs(PgStat.newBuilder().setPool(pool.id()).setSeed(seed).setState("active+clean")
                            .addAllActing(pm.acting()).setEpoch(map.epoch()).setObjects(10).setBytes(1L << 30)
                            .setLastScrubStampMs(NOW_MS).setLastDeepScrubStampMs(NOW_MS));
                }
            }
            table.report(r.build());
        }
        return table.summarize(map);
    }

    @Test
    void fullnessIsJudgedPerOsdAndCarriedToItsPools() {
        OsdMap map = WriteCommandsTest.cluster();
        List<HealthChecks.Check> checks = HealthChecks.compute(map, QUORUM,
                withSpace(map, osd -> switch (osd) { case 0 -> 96; case 1 -> 91; default -> 86; }, osd -> 0));
        assertEquals(List.of("OSD_FULL", "OSD_BACKFILLFULL", "OSD_NEARFULL", "POOL_FULL"), codes(checks));
        assertEquals("1 full osd(s)", checks.get(0).summary());
        assertEquals(List.of("osd.0 is full"), checks.get(0).detail());
        assertEquals(List.of("osd.1 is backfill full"), checks.get(1).detail());
        assertEquals(List.of("osd.2 is near full"), checks.get(2).detail());
        assertEquals(List.of("pool 'data' is full (no space)"), checks.get(3).detail());
        assertEquals(HealthChecks.Severity.HEALTH_ERR, HealthChecks.overall(HealthChecks.unmuted(checks)));
        checks = HealthChecks.compute(map, QUORUM, withSpace(map, osd -> osd == 2 ? 86 : 50, osd -> 0));
        assertEquals(List.of("OSD_NEARFULL", "POOL_NEAR_FULL"), codes(checks));
        assertEquals(List.of(), codes(HealthChecks.compute(map, QUORUM, withSpace(map, osd -> 50, osd -> 0))));
    }

    @Test
    void copiesThatWouldNotFitAfterLosingTheLargestHostAreWarnedOf() {
        OsdMap map = WriteCommandsTest.cluster();
        // 48 GiB of copies; losing a 100 GiB host leaves 200 GiB, 190 GiB usable: fine
        assertEquals(List.of(), codes(HealthChecks.compute(map, QUORUM, withSpace(map, osd -> 10, osd -> 0))));
        // two OSDs out: 100 GiB raw left in one host, so losing it leaves nothing
        OsdMap out = WriteCommandsTest.ok(WriteCommandsTest.run(map, "osd out", Map.of("ids", "1,2")));
        PgStatsTable.Summary s = withSpace(out, osd -> 10, osd -> 0);
        List<HealthChecks.Check> checks = HealthChecks.compute(out, QUORUM, s);
        assertEquals(List.of(), codes(checks).stream().filter(c -> c.equals("CAPACITY_FAILURE_DOMAIN")).toList(),
                "one host left: no failure domain to lose");
        OsdMap oneOut = WriteCommandsTest.ok(WriteCommandsTest.run(map, "osd out", Map.of("ids", "2")));
        // osd.2 out: two hosts of 100 GiB; 16 PGs x 4 GiB x 3 copies = 192 GiB of copies
        PgStatsTable table = table();
        for (int osd = 0; osd < 3; osd++) {
            OsdStatsRequest.Builder r = OsdStatsRequest.newBuilder().setOsdId(osd).setEpoch(oneOut.epoch())
                    .setTotalBytes(100L << 30).setUsedBytes(10L << 30);
            for (int seed = 0; seed < 16; seed++) {
                PgMapping pm = oneOut.mapPg(new PgId(1, seed));
                if (pm.actingPrimary() == osd) {
                    r.addPgs(PgStat.newBuilder().setPool(1).setSeed(seed).setState("active+clean")
                            .addAllActing(pm.acting()).setBytes(4L << 30).setLastScrubStampMs(NOW_MS)
                            .setLastDeepScrubStampMs(NOW_MS));
                }
            }
            table.report(r.build());
        }
        checks = HealthChecks.compute(oneOut, QUORUM, table.summarize(oneOut));
        HealthChecks.Check cap = checks.stream().filter(c -> c.code().equals("CAPACITY_FAILURE_DOMAIN")).findFirst()
                .orElseThrow(() -> new AssertionError(codes(HealthChecks.compute(oneOut, QUORUM, table.summarize(oneOut)))));
        assertTrue(cap.summary().startsWith("Raw capacity cannot hold every copy if host h"), cap.summary());
        assertTrue(cap.summary().endsWith(": 192 GiB of copies, 95 GiB usable on the rest"), cap.summary());
    }

    @Test
    void aHostWhoseOsdsAreAllDownIsNamedWithTheDataOnlyThere() {
        OsdMap map = WriteCommandsTest.cluster();
        PgStatsTable table = table();
        PgStatsTable.Summary before = reported(map, table, (pg, b) -> b.setObjects(5).setLastScrubStampMs(NOW_MS)
                .setLastDeepScrubStampMs(NOW_MS), osd -> 0L);
        assertEquals(List.of(), codes(HealthChecks.compute(map, QUORUM, before)));
        OsdMap oneDown = WriteCommandsTest.ok(WriteCommandsTest.run(map, "osd down", Map.of("ids", "1")));
        List<HealthChecks.Check> checks = HealthChecks.compute(oneDown, QUORUM, table.summarize(oneDown));
        assertTrue(codes(checks).containsAll(List.of("OSD_DOWN", "OSD_HOST_DOWN")), codes(checks).toString());
        HealthChecks.Check host = checks.stream().filter(c -> c.code().equals("OSD_HOST_DOWN")).findFirst().orElseThrow();
        assertEquals("1 host (1 osds) down", host.summary());
        assertEquals(List.of("host h1 (root=default) (1 osds) is down"), host.detail());
        assertFalse(codes(checks).contains("DATA_ONLY_ON_DOWN_OSDS"), "the other copies are up");
        OsdMap allDown = WriteCommandsTest.ok(WriteCommandsTest.run(oneDown, "osd down", Map.of("ids", "0,2")));
        checks = HealthChecks.compute(allDown, QUORUM, table.summarize(allDown));
        assertTrue(codes(checks).containsAll(List.of("OSD_HOST_DOWN", "OSD_ROOT_DOWN", "DATA_ONLY_ON_DOWN_OSDS")),
                codes(checks).toString());
        HealthChecks.Check only = checks.stream().filter(c -> c.code().equals("DATA_ONLY_ON_DOWN_OSDS")).findFirst()
                .orElseThrow();
        assertEquals("80 objects in 16 pgs have their only current copies on down OSDs", only.summary());
        assertEquals("3 host (3 osds) down", checks.stream().filter(c -> c.code().equals("OSD_HOST_DOWN"))
                .findFirst().orElseThrow().summary());
        // back up: every one of them clears
        OsdMap up = map;
        assertEquals(List.of(), codes(HealthChecks.compute(up, QUORUM, reported(up, table, (pg, b) -> b.setObjects(5)
                .setLastScrubStampMs(NOW_MS).setLastDeepScrubStampMs(NOW_MS), osd -> 0L))));
    }

    @Test
    void slowOpsToofullPgsAndUnfoundObjectsAreRaisedAndCleared() {
        OsdMap map = WriteCommandsTest.cluster();
        List<HealthChecks.Check> checks = HealthChecks.compute(map, QUORUM, withSpace(map, osd -> 10,
                osd -> osd == 2 ? 3 : 0));
        assertEquals(List.of("SLOW_OPS"), codes(checks));
        assertEquals("3 slow ops, oldest one blocked for 42 sec, osd.2 has slow ops", checks.get(0).summary());
        assertEquals(List.of(), codes(HealthChecks.compute(map, QUORUM, withSpace(map, osd -> 10, osd -> 0))));

        PgStatsTable.Summary s = reported(map, table(), (pg, b) -> {
            b.setLastScrubStampMs(NOW_MS).setLastDeepScrubStampMs(NOW_MS).setObjects(4);
            switch (pg.seed()) {
                case 0 -> b.setState("active+recovery_toofull+degraded");
                case 1 -> b.setState("active+remapped+backfill_toofull");
                case 2 -> b.setState("active+recovering+degraded").setUnfoundObjects(2);
                default -> { }
            }
        }, osd -> 0L);
        checks = HealthChecks.compute(map, QUORUM, s);
        assertEquals(List.of("PG_RECOVERY_FULL", "PG_BACKFILL_FULL", "OBJECT_UNFOUND", "PG_DEGRADED"), codes(checks));
        assertEquals("Full OSDs blocking recovery: 1 pg recovery_toofull", checks.get(0).summary());
        assertEquals("Low space hindering backfill (add storage if this doesn't resolve itself): 1 pg backfill_toofull",
                checks.get(1).summary());
        assertEquals("2/64 objects unfound (3.125%)", checks.get(2).summary());
        assertEquals(List.of("pg 1.2 has 2 unfound objects"), checks.get(2).detail());
    }

    @Test
    void aMonitorOutOfQuorumAndMapFlagsAreRaisedAndCleared() {
        OsdMap map = WriteCommandsTest.cluster();
        MonMap three = new MonMap(List.of(new MonMap.Member("a", 0, "127.0.0.1", 6789, 6889),
                new MonMap.Member("b", 1, "127.0.0.1", 6790, 6890), new MonMap.Member("c", 2, "127.0.0.1", 6791, 6891)));
        QuorumView twoOfThree = new QuorumView(1, "a", List.of("a", "b"), three, 10, true);
        PgStatsTable.Summary clean = reported(map, table(), (pg, b) -> b.setLastScrubStampMs(NOW_MS)
                .setLastDeepScrubStampMs(NOW_MS), osd -> 0L);
        List<HealthChecks.Check> checks = HealthChecks.compute(map, twoOfThree, clean);
        assertEquals(List.of("MON_DOWN"), codes(checks));
        assertEquals("1/3 mons down, quorum a,b", checks.get(0).summary());
        assertEquals(List.of("mon.c (rank 2) addr 127.0.0.1:6791 is down (out of quorum)"), checks.get(0).detail());
        QuorumView all = new QuorumView(1, "a", List.of("a", "b", "c"), three, 10, true);
        assertEquals(List.of(), codes(HealthChecks.compute(map, all, clean)));

        OsdMap flagged = WriteCommandsTest.ok(WriteCommandsTest.run(map, "osd set", Map.of("key", "noout")));
        flagged = WriteCommandsTest.ok(WriteCommandsTest.run(flagged, "osd set", Map.of("key", "noscrub")));
        checks = HealthChecks.compute(flagged, all, clean);
        assertEquals(List.of("OSDMAP_FLAGS"), codes(checks));
        assertTrue(checks.get(0).summary().matches("(noout,noscrub|noscrub,noout) flag\\(s\\) set"),
                checks.get(0).summary());
        OsdMap unflagged = WriteCommandsTest.ok(WriteCommandsTest.run(flagged, "osd unset", Map.of("key", "noout")));
        unflagged = WriteCommandsTest.ok(WriteCommandsTest.run(unflagged, "osd unset", Map.of("key", "noscrub")));
        assertEquals(List.of(), codes(HealthChecks.compute(unflagged, all, clean)));
    }
}
