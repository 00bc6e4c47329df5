package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.common.cli.Json;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.HealthMute;
import io.cairn.proto.v1.MdsHealthMetric;
import io.cairn.proto.v1.OsdStatsRequest;
import io.cairn.proto.v1.PgStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every admin read command, plain and JSON, on one known cluster state, against the files in
 * {@code src/test/resources/golden}. Three monitors (c out of quorum), three OSDs on three hosts
 * (osd.2 down and out), pool "data" with 16 PGs of which one is inconsistent and the ones osd.2
 * was in are degraded, the noscrub flag set, a few cluster log lines, a muted check and a small
 * central config database. The file-system views have a cluster of their own: file system
 * cairnfs on two more pools (every PG clean), mds.a active as rank 0 and reporting slow requests,
 * mds.b standing by. Run with
 * {@code -Dgolden.update=true} to rewrite the files after a deliberate change, then read the diff.
 */
class GoldenOutputTest {
    private static final Path DIR = Path.of("src", "test", "resources", "golden");
    private static final long NOW_MS = 1_795_000_000_000L;
    private static final long DAY_MS = 86_400_000L;

    private record Case(String name, String prefix, Map<String, String> args) { }

    private static final List<Case> CASES = List.of(
            new Case("status", "status", Map.of()),
            new Case("health", "health", Map.of()),
            new Case("health-detail", "health", Map.of("detail", "true")),
            new Case("osd-tree", "osd tree", Map.of()),
            new Case("osd-df", "osd df", Map.of()),
            new Case("osd-df-tree", "osd df", Map.of("tree", "true")),
            new Case("osd-stat", "osd stat", Map.of()),
            new Case("osd-dump", "osd dump", Map.of()),
            new Case("osd-pool-ls-detail", "osd pool ls", Map.of("detail", "true")),
            new Case("pg-stat", "pg stat", Map.of()),
            new Case("pg-dump", "pg dump", Map.of()),
            new Case("pg-dump-pgs-brief", "pg dump", Map.of("dumpcontents", "pgs_brief")),
            new Case("pg-dump-osds", "pg dump", Map.of("dumpcontents", "osds")),
            new Case("pg-dump-pools", "pg dump", Map.of("dumpcontents", "pools")),
            new Case("pg-ls", "pg ls", Map.of()),
            new Case("pg-ls-inconsistent", "pg ls", Map.of("states", "inconsistent")),
            new Case("pg-ls-by-pool-degraded", "pg ls-by-pool", Map.of("pool", "data", "states", "degraded")),
            new Case("pg-ls-by-osd", "pg ls-by-osd", Map.of("osd", "osd.1")),
            new Case("df", "df", Map.of()),
            new Case("df-detail", "df", Map.of("detail", "true")),
            new Case("log-last", NoteCommands.LOG_LAST, Map.of("num", "5")),
            new Case("config-dump", "config dump", Map.of()),
            new Case("config-get-osd.1", "config get", Map.of("who", "osd.1")),
            new Case("config-get-osd.1-key", "config get", Map.of("who", "osd.1", "key", "osd_recovery_max_active")),
            new Case("config-help", "config help", Map.of("key", "osd_recovery_max_active")),
            new Case("config-help-duration", "config help", Map.of("key", "osd_heartbeat_interval")));

    /** Read on the file-system cluster. */
    private static final List<Case> FS_CASES = List.of(
            new Case("fs-ls", "fs ls", Map.of()),
            new Case("fs-dump", "fs dump", Map.of()),
            new Case("fs-get", "fs get", Map.of("fs_name", "cairnfs")),
            new Case("fs-status", "fs status", Map.of()),
            new Case("mds-stat", "mds stat", Map.of()),
            new Case("status-fs", "status", Map.of()),
            new Case("health-detail-fs", "health", Map.of("detail", "true")));

    private static OsdMap map;
    private static PgStatsTable.Summary stats;
    private static OsdMap fsOsd;
    private static PgStatsTable.Summary fsStats;
    private static FsView fsView;
    private static QuorumView quorum;
    private static ClusterLog log;
    private static List<HealthMute> mutes;
    private static ConfigDb configDb;

    private static void setUp() {
        if (map != null) {
            return;
        }
        OsdMap m = WriteCommandsTest.cluster();
        PgStatsTable table = new PgStatsTable(PgStatsTable.Thresholds.DEFAULTS, () -> NOW_MS);
        // every OSD reports while all are up; osd.2 then goes down and out, its PGs degraded on the others
        report(table, m, pg -> "active+clean", 1_000);
        m = WriteCommandsTest.ok(WriteCommandsTest.run(m, "osd down", Map.of("ids", "2")));
        m = WriteCommandsTest.ok(WriteCommandsTest.run(m, "osd out", Map.of("ids", "2")));
        m = WriteCommandsTest.ok(WriteCommandsTest.run(m, "osd set", Map.of("key", "noscrub")));
        OsdMap after = m;
        report(table, after, pg -> pg.seed() == 5 ? "active+undersized+degraded+inconsistent"
                : after.mapPg(pg).acting().size() < 3 ? "active+undersized+degraded" : "active+clean", 11_000);
        map = after;
        stats = table.summarize(after);
        MonMap three = new MonMap(List.of(new MonMap.Member("a", 0, "127.0.0.1", 6789, 6889),
                new MonMap.Member("b", 1, "127.0.0.1", 6790, 6890), new MonMap.Member("c", 2, "127.0.0.1", 6791, 6891)));
        quorum = new QuorumView(7, "a", List.of("a", "b"), three, 120, true);
        log = new ClusterLog();
        log.add(NOW_MS - 60_000, "mon", "WRN", "osd.2 marked itself down");
        log.add(NOW_MS - 50_000, "mon.a", "WRN", "Health check failed: 1 osds down (OSD_DOWN)");
        log.add(NOW_MS - 40_000, "osd.0", "ERR", "1.5 shard osd.1 obj-7 : data_digest_mismatch");
        log.add(NOW_MS - 39_000, "osd.0", "ERR", "1.5 deep-scrub 1 errors");
        log.add(NOW_MS - 30_000, "mon", "WRN", "osd.2 marked out (osd out)");
        log.add(NOW_MS - 20_000, "client.admin", "INF", "maintenance window opens");
        mutes = List.of(HealthMute.newBuilder().setCode("MON_DOWN").setUntilMs(NOW_MS + DAY_MS).build());
        configDb = new ConfigDb();
        ConfigCommandsTest.set(configDb, "global", "osd_pool_default_size", "2");
        ConfigCommandsTest.set(configDb, "mon", "mon_allow_pool_delete", "true");
        ConfigCommandsTest.set(configDb, "osd", "osd_recovery_max_active", "4");
        ConfigCommandsTest.set(configDb, "osd", "osd_op_num_threads", "16");
        ConfigCommandsTest.set(configDb, "osd.1", "osd_recovery_max_active", "8");
        ConfigCommandsTest.set(configDb, "osd.10", "osd_max_backfills", "2");
        ConfigCommandsTest.set(configDb, "client.admin", "rados_osd_op_timeout", "60");
        setUpFs();
    }

    private static void setUpFs() {
        fsOsd = FsTestCluster.osd();
        PgStatsTable table = new PgStatsTable(PgStatsTable.Thresholds.DEFAULTS, () -> NOW_MS);
        for (int osd = 0; osd < 3; osd++) {
            OsdStatsRequest.Builder r = OsdStatsRequest.newBuilder().setOsdId(osd).setEpoch(fsOsd.epoch())
                    .setTotalBytes(100L << 30).setUsedBytes(10L << 30).setAvailBytes(90L << 30).setStampMs(1_000);
            for (Pool pool : fsOsd.pools().values()) {
                for (int seed = 0; seed < pool.pgNum(); seed++) {
                    PgId pg = new PgId(pool.id(), seed);
                    PgMapping pm = fsOsd.mapPg(pg);
                    if (pm.actingPrimary() == osd) {
                        r.addPgs(PgStat.newBuilder().setPool(pool.id()).setSeed(seed).setState("active+clean")
                                .addAllActing(pm.acting()).setEpoch(fsOsd.epoch()).setObjects(10).setBytes(10L << 20)
                                .setLastScrubStampMs(NOW_MS).setLastDeepScrubStampMs(NOW_MS));
                    }
                }
            }
            table.report(r.build());
        }
        fsStats = table.summarize(fsOsd);
        MdsHealthMetric slow = MdsHealthMetric.newBuilder().setCode("MDS_SLOW_REQUEST").setSeverity("HEALTH_WARN")
                .setSummary("3 slow requests are blocked > 30 secs").build();
        fsView = new FsView(FsTestCluster.oneActiveOneStandby(fsOsd), Map.of(FsTestCluster.GID_A, List.of(slow)),
                Map.of(FsTestCluster.GID_A, new FsView.Load(2, 17)));
    }

    /**
     * Each up OSD reports 40 GiB used of 100 GiB, its client io counters at {@code stampMs}, and the
     * PGs it leads, with the state {@code state} gives.
     */
    private static void report(PgStatsTable table, OsdMap m, java.util.function.Function<PgId, String> state,
                               long stampMs) {
        Pool pool = m.pool("data");
        for (int osd = 0; osd < 3; osd++) {
            if (!m.isUp(osd)) {
                continue;
            }
            OsdStatsRequest.Builder r = OsdStatsRequest.newBuilder().setOsdId(osd).setEpoch(m.epoch())
                    .setTotalBytes(100L << 30).setUsedBytes((40L + osd) << 30).setAvailBytes((60L - osd) << 30)
                    .setNumShardsRepaired(osd == 1 ? 1 : 0).setStampMs(stampMs)
                    // 10 s apart: osd.0 and osd.1 each serve 5 reads and 20 writes of 4 KiB a second
                    .setClientReadOps(stampMs / 200).setClientWriteOps(stampMs / 50)
                    .setClientReadBytes(stampMs / 200 * 4096).setClientWriteBytes(stampMs / 50 * 4096);
            for (int seed = 0; seed < pool.pgNum(); seed++) {
                PgId pg = new PgId(pool.id(), seed);
                PgMapping pm = m.mapPg(pg);
                if (pm.actingPrimary() == osd) {
                    String st = state.apply(pg);
                    r.addPgs(PgStat.newBuilder().setPool(pool.id()).setSeed(seed).setState(st).addAllActing(pm.acting())
                            .setEpoch(m.epoch()).setObjects(100 + seed).setBytes((100L + seed) << 20).setLogSize(200)
                            .setDegradedObjects(st.contains("degraded") ? 100 + seed : 0)
                            .setScrubErrors(st.contains("inconsistent") ? 1 : 0)
                            .setLastScrubStampMs(NOW_MS - DAY_MS - seed * 60_000L)
                            .setLastDeepScrubStampMs(NOW_MS - 3 * DAY_MS - seed * 60_000L));
                }
            }
            table.report(r.build());
        }
    }

    private static CommandResult run(Case c) {
        CommandRequest req = CommandRequest.newBuilder().setPrefix(c.prefix()).putAllArgs(c.args()).build();
        if (c.prefix().equals(NoteCommands.LOG_LAST)) {
            return NoteCommands.last(log, req);
        }
        if (ConfigViews.READS.contains(c.prefix())) {
            return ConfigViews.run(configDb, req);
        }
        return ReadCommands.run(map, req, quorum, stats, mutes);
    }

    @TestFactory
    Stream<DynamicTest> everyReadCommandMatchesItsGoldenOutput() {
        setUp();
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : CASES) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> {
                CommandResult r = run(c);
                assertEquals(ErrorCode.OK, r.code(), r.message());
                check(c.name() + ".txt", r.plain() == null ? "" : r.plain());
                check(c.name() + ".json", Json.write(r.json(), true) + "\n");
            }));
        }
        for (Case c : FS_CASES) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> {
                CommandRequest req = CommandRequest.newBuilder().setPrefix(c.prefix()).putAllArgs(c.args()).build();
                QuorumView all = new QuorumView(7, "a", List.of("a", "b", "c"), quorum.monMap(), 120, true);
                CommandResult r = ReadCommands.run(fsOsd, fsView, req, all, fsStats, List.of());
                assertEquals(ErrorCode.OK, r.code(), r.message());
                check(c.name() + ".txt", r.plain() == null ? "" : r.plain());
                check(c.name() + ".json", Json.write(r.json(), true) + "\n");
            }));
        }
        tests.add(DynamicTest.dynamicTest("write-commands", () -> check("write-commands.txt", writeCommands())));
        tests.add(DynamicTest.dynamicTest("fs-commands", () -> check("fs-commands.txt", fsCommands())));
        return tests.stream();
    }

    /** The status lines of the state-changing commands an operator types most. */
    private static String writeCommands() {
        OsdMap m = WriteCommandsTest.cluster();
        List<Case> cmds = List.of(new Case("osd out 1", "osd out", Map.of("ids", "1")),
                new Case("osd in 1", "osd in", Map.of("ids", "1")),
                new Case("osd down 0,1", "osd down", Map.of("ids", "0,1")),
                new Case("osd reweight 2 0.8", "osd reweight", Map.of("id", "2", "weight", "0.8")),
                new Case("osd set noout", "osd set", Map.of("key", "noout")),
                new Case("osd unset noout", "osd unset", Map.of("key", "noout")),
                new Case("osd blocklist add 10.0.0.1:0/3141592653 600", "osd blocklist add",
                        Map.of("addr", "10.0.0.1:0/3141592653", "expire", "600")),
                new Case("osd blocklist add 10.0.0.2", "osd blocklist add", Map.of("addr", "10.0.0.2")),
                new Case("osd blocklist rm 10.0.0.1:0/3141592653", "osd blocklist rm",
                        Map.of("addr", "10.0.0.1:0/3141592653")),
                new Case("osd blocklist rm 10.0.0.1:0/3141592653", "osd blocklist rm",
                        Map.of("addr", "10.0.0.1:0/3141592653")),
                new Case("osd blocklist add client.4102", "osd blocklist add", Map.of("addr", "client.4102")));
        StringBuilder sb = new StringBuilder();
        for (Case c : cmds) {
            CommandResult r = WriteCommandsTest.run(m, c.prefix(), c.args());
            sb.append("$ ").append(c.name()).append('\n').append(r.code()).append(": ").append(r.message()).append('\n');
            if (r.newMap() != null) {
                m = r.newMap();
            }
        }
        CommandResult bad = WriteCommandsTest.run(m, "osd out", Map.of("ids", "9"));
        sb.append("$ osd out 9\n").append(bad.code()).append(": ").append(bad.message()).append('\n');
        return sb.toString();
    }

    /** The status lines of the file-system commands, through a failover and a removal. */
    private static String fsCommands() {
        OsdMap osd = FsTestCluster.osd();
        FsMap fs = FsMap.EMPTY;
        List<Case> cmds = List.of(
                new Case("fs new cairnfs cairnfs_metadata cairnfs_data", "fs new",
                        Map.of("fs_name", "cairnfs", "metadata", "cairnfs_metadata", "data", "cairnfs_data")),
                new Case("fs new other cairnfs_metadata data", "fs new",
                        Map.of("fs_name", "other", "metadata", "cairnfs_metadata", "data", "data")),
                new Case("fs set cairnfs max_mds 2", "fs set", Map.of("fs_name", "cairnfs", "var", "max_mds", "val", "2")),
                new Case("fs set cairnfs session_timeout 10", "fs set",
                        Map.of("fs_name", "cairnfs", "var", "session_timeout", "val", "10")),
                new Case("mds fail a", "mds fail", Map.of("role_or_gid", "a")),
                new Case("fs rm cairnfs", "fs rm", Map.of("fs_name", "cairnfs", "yes_i_really_mean_it", "true")),
                new Case("fs fail cairnfs", "fs fail", Map.of("fs_name", "cairnfs")),
                new Case("fs rm cairnfs", "fs rm", Map.of("fs_name", "cairnfs")),
                new Case("fs rm cairnfs --yes-i-really-mean-it", "fs rm",
                        Map.of("fs_name", "cairnfs", "yes_i_really_mean_it", "true")));
        StringBuilder sb = new StringBuilder();
        for (Case c : cmds) {
            CommandResult r = FsTestCluster.run(fs, osd, c.prefix(), c.args());
            sb.append("$ ").append(c.name()).append('\n').append(r.code()).append(": ").append(r.message()).append('\n');
            if (r.newFsMap() != null) {
                fs = r.newFsMap();
            }
            if (c.prefix().equals("fs new") && r.newFsMap() != null) {
                fs = FsTestCluster.boot(FsTestCluster.boot(fs, osd, "a", FsTestCluster.GID_A), osd, "b",
                        FsTestCluster.GID_B);
            }
        }
        return sb.toString();
    }

    private static void check(String file, String actual) throws IOException {
        Path p = DIR.resolve(file);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(DIR);
            Files.writeString(p, actual, StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(p), "no golden file " + p + " (run with -Dgolden.update=true)");
        assertEquals(Files.readString(p, StandardCharsets.UTF_8), actual, file);
    }
}
