package io.cairn.mon;

import static io.cairn.mon.FsTestCluster.GID_A;
import static io.cairn.mon.FsTestCluster.GID_B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.MdsHealthMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ceph's file-system health codes, severities and texts, through the lives of a file system. */
class FsHealthTest {
    private static final OsdMap OSD = FsTestCluster.osd();

    private static List<HealthChecks.Check> checks(FsMap fs) {
        return checks(new FsView(fs, Map.of()));
    }

    private static List<HealthChecks.Check> checks(FsView view) {
        List<HealthChecks.Check> out = new ArrayList<>();
        FsHealth.checks(view, out);
        return out;
    }

    private static List<String> lines(List<HealthChecks.Check> checks) {
        List<String> out = new ArrayList<>();
        for (HealthChecks.Check c : checks) {
            out.add(c.code() + " " + c.severity() + " " + c.summary() + " " + c.detail());
        }
        return out;
    }

    @Test
    void aFileSystemWithoutMdsIsOffline() {
        assertEquals(List.of(), checks(FsMap.EMPTY));
        assertEquals(List.of(
                "MDS_UP_LESS_THAN_MAX HEALTH_WARN 1 filesystem is online with fewer MDS than max_mds "
                        + "[fs cairnfs has 0 MDS online, but wants 1]",
                "MDS_ALL_DOWN HEALTH_ERR 1 filesystem is offline [fs cairnfs is offline because no MDS is active for it.]"),
                lines(checks(FsTestCluster.newFs(FsMap.EMPTY, OSD))));
    }

    @Test
    void replayIsDegradedAndActiveWithAStandbyIsHealthy() {
        FsMap replaying = FsTestCluster.boot(FsTestCluster.newFs(FsMap.EMPTY, OSD), OSD, "a", GID_A);
        assertEquals(List.of("FS_DEGRADED HEALTH_WARN 1 filesystem is degraded [fs cairnfs is degraded, fs cairnfs "
                + "mds.a at 127.0.0.1:6942 rank 0 is replaying journal]"), lines(checks(replaying)));
        assertEquals(List.of(), checks(FsTestCluster.oneActiveOneStandby(OSD)));
    }

    @Test
    void theStandbyTakingOverLeavesTooFewStandbys() {
        FsMap fs = FsTestCluster.ok(FsTestCluster.run(FsTestCluster.oneActiveOneStandby(OSD), OSD, "mds fail",
                Map.of("role_or_gid", "a")));
        assertEquals(List.of("FS_DEGRADED HEALTH_WARN 1 filesystem is degraded [fs cairnfs is degraded, fs cairnfs "
                        + "mds.b at 127.0.0.1:6943 rank 0 is replaying journal]",
                "MDS_INSUFFICIENT_STANDBY HEALTH_WARN insufficient standby MDS daemons available [have 0; want 1 more]"),
                lines(checks(fs)));
        FsMap none = FsTestCluster.ok(FsTestCluster.run(fs, OSD, "mds fail", Map.of("role_or_gid", "b")));
        assertEquals(List.of("FS_WITH_FAILED_MDS HEALTH_WARN 1 filesystem has a failed mds daemon "
                        + "[fs cairnfs has 1 failed mds]",
                "FS_DEGRADED HEALTH_WARN 1 filesystem is degraded [fs cairnfs is degraded]",
                "MDS_ALL_DOWN HEALTH_ERR 1 filesystem is offline [fs cairnfs is offline because no MDS is active for it.]",
                "MDS_INSUFFICIENT_STANDBY HEALTH_WARN insufficient standby MDS daemons available [have 0; want 1 more]"),
                lines(checks(none)));
    }

    @Test
    void aDamagedRankIsAnError() {
        FsMap fs = FsTestCluster.state(FsTestCluster.oneActiveOneStandby(OSD), OSD, GID_A, MdsState.DAMAGED);
        List<String> got = lines(checks(fs));
        assertEquals("MDS_DAMAGE HEALTH_ERR 1 mds daemon damaged [fs cairnfs mds.0 is damaged]", got.get(0));
        assertEquals("FS_DEGRADED HEALTH_WARN 1 filesystem is degraded [fs cairnfs is degraded]", got.get(1));
    }

    @Test
    void rankHoldersChecksAreRelayedWithCephsSummaries() {
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        MdsHealthMetric trim = MdsHealthMetric.newBuilder().setCode("MDS_TRIM").setSeverity("HEALTH_WARN")
                .setSummary("Behind on trimming (300/128)").addDetail("max_segments: 128").addDetail("num_segments: 300")
                .build();
        MdsHealthMetric slow = MdsHealthMetric.newBuilder().setCode("MDS_SLOW_REQUEST").setSeverity("HEALTH_WARN")
                .setSummary("5 slow requests are blocked > 30 secs").build();
        MdsHealthMetric spoof = MdsHealthMetric.newBuilder().setCode("OSD_DOWN").setSeverity("HEALTH_ERR")
                .setSummary("nope").build();
        FsView view = new FsView(fs, Map.of(GID_A, List.of(trim, slow, spoof), GID_B, List.of(slow)));
        assertEquals(List.of("MDS_SLOW_REQUEST HEALTH_WARN 1 MDSs report slow requests [mds.a(mds.0): 5 slow requests "
                        + "are blocked > 30 secs]",
                "MDS_TRIM HEALTH_WARN 1 MDSs behind on trimming [mds.a(mds.0): Behind on trimming (300/128) "
                        + "max_segments: 128, num_segments: 300]"),
                lines(checks(view)), "only MDS_ codes, and only from rank holders");
    }
}
