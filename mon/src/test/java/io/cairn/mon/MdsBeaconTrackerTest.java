package io.cairn.mon;

import static io.cairn.mon.FsTestCluster.GID_A;
import static io.cairn.mon.FsTestCluster.GID_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.MdsBeaconRequest;
import io.cairn.proto.v1.MdsHealthMetric;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The leader's beacon tracker on an injected clock, with its proposals applied as the monitors
 * would apply them: boot, recovery, a standby taking over after the grace, a restarted daemon.
 */
class MdsBeaconTrackerTest {
    private static final OsdMap OSD = FsTestCluster.osd();
    private static final MdsBeaconTracker.Settings SETTINGS = new MdsBeaconTracker.Settings(15_000, 4_000);

    private final MdsBeaconTracker tracker = new MdsBeaconTracker();

    private static MdsBeaconRequest beacon(String name, long gid, String wanted, FsMap seen) {
        return MdsBeaconRequest.newBuilder().setName(name).setGid(gid).setAddr("127.0.0.1:6900").setWantedState(wanted)
                .setFsmapEpoch(seen.epoch()).build();
    }

    /** Applies the proposals in order, as the monitors would. */
    private static FsMap apply(FsMap fs, List<MdsBeaconTracker.Action> actions) {
        for (MdsBeaconTracker.Action a : actions) {
            CommandRequest c = MdsProposals.command(a, "mon.a");
            CommandResult r = FsCommands.apply(fs, OSD, c, FsTestCluster.NOW_MS, true);
            if (r.newFsMap() != null) {
                fs = r.newFsMap();
            }
        }
        return fs;
    }

    @Test
    void aStandbyTakesTheRankOfADaemonSilentForTheGrace() {
        tracker.leadershipGained(0);
        FsMap fs = FsTestCluster.newFs(FsMap.EMPTY, OSD);
        List<MdsBeaconTracker.Action> boot = tracker.beacon(beacon("a", GID_A, "up:boot", fs), fs, 0);
        assertEquals(List.of(new MdsBeaconTracker.Boot(GID_A, "a", "127.0.0.1:6900")), boot);
        assertEquals(List.of(), tracker.beacon(beacon("a", GID_A, "up:boot", fs), fs, 1_000), "proposed once");
        fs = apply(fs, boot);
        fs = apply(fs, tracker.beacon(beacon("b", GID_B, "up:boot", fs), fs, 1_000));
        assertEquals("up:replay", fs.daemon(GID_A).getState());
        List<MdsBeaconTracker.Action> active = tracker.beacon(beacon("a", GID_A, "up:active", fs), fs, 2_000);
        assertEquals(List.of(new MdsBeaconTracker.ChangeState(GID_A, MdsState.ACTIVE)), active);
        fs = apply(fs, active);
        assertEquals("up:active", fs.daemon(GID_A).getState());
        // both beacon every 4 s until mds.a goes silent at 6 s; mds.b goes on
        long t = 2_000;
        for (; t <= 6_000; t += 1_000) {
            assertEquals(List.of(), tracker.tick(fs, t, SETTINGS));
            tracker.beacon(beacon("a", GID_A, "up:active", fs), fs, t);
            tracker.beacon(beacon("b", GID_B, "up:standby", fs), fs, t);
        }
        for (; t < 21_000; t += 1_000) {
            assertEquals(List.of(), tracker.tick(fs, t, SETTINGS), "within the grace at " + t);
            tracker.beacon(beacon("b", GID_B, "up:standby", fs), fs, t);
        }
        List<MdsBeaconTracker.Action> fail = tracker.tick(fs, 21_000, SETTINGS);
        assertEquals(List.of(new MdsBeaconTracker.Fail(GID_A, "a", "no beacon for 15s")), fail);
        assertEquals(List.of(), tracker.tick(fs, 22_000, SETTINGS), "not proposed again at once");
        fs = apply(fs, fail);
        assertEquals(GID_B, fs.filesystem("cairnfs").getUpMap().get(0));
        assertEquals("up:replay", fs.daemon(GID_B).getState());
        // the failed daemon's late beacon gets the map back, and is never booted again
        assertEquals(List.of(), tracker.beacon(beacon("a", GID_A, "up:active", fs), fs, 23_000));
        assertEquals(List.of(), tracker.beacon(beacon("a", GID_A, "up:boot", fs), fs, 23_000));
        // it restarts as a new gid, which boots as a standby
        fs = apply(fs, tracker.beacon(beacon("a", 9000, "up:boot", fs), fs, 24_000));
        assertEquals("up:standby", fs.daemon(9000).getState());
        assertEquals(List.of(), tracker.tick(fs, 25_000, SETTINGS));
    }

    @Test
    void aStateChangeNeedsAMapThatGaveTheRank() {
        tracker.leadershipGained(0);
        FsMap before = FsTestCluster.newFs(FsMap.EMPTY, OSD);
        FsMap fs = FsTestCluster.boot(before, OSD, "a", GID_A);
        assertEquals(List.of(), tracker.beacon(beacon("a", GID_A, "up:active", before), fs, 0));
        assertEquals(List.of(), tracker.beacon(beacon("a", GID_A, "up:rejoin", fs), fs, 0), "replay -> rejoin skips a step");
        assertEquals(1, tracker.beacon(beacon("a", GID_A, "up:reconnect", fs), fs, 0).size());
    }

    @Test
    void aNewLeaderGivesEveryDaemonAFullGraceFromItsFirstTick() {
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        assertEquals(List.of(), tracker.beacon(beacon("x", 1, "up:boot", fs), fs, 0), "a follower proposes nothing");
        assertEquals(List.of(), tracker.tick(fs, 100_000, SETTINGS));
        tracker.leadershipGained(100_000);
        for (long t = 100_000; t < 115_000; t += 1_000) {
            assertEquals(List.of(), tracker.tick(fs, t, SETTINGS), "within the grace at " + t);
        }
        List<MdsBeaconTracker.Action> fail = tracker.tick(fs, 115_000, SETTINGS);
        assertEquals(2, fail.size(), "both silent for a full grace of this leader: " + fail);
        tracker.leadershipLost();
        assertEquals(List.of(), tracker.tick(fs, 200_000, SETTINGS));
    }

    @Test
    void aStalledMonitorStartsEveryGraceAgain() {
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        tracker.leadershipGained(0);
        assertEquals(List.of(), tracker.tick(fs, 0, SETTINGS));
        tracker.beacon(beacon("a", GID_A, "up:active", fs), fs, 1_000);
        tracker.beacon(beacon("b", GID_B, "up:standby", fs), fs, 1_000);
        // no tick for 30 s: this monitor heard nobody, so nobody is judged silent yet
        for (long t = 31_000; t < 46_000; t += 1_000) {
            assertEquals(List.of(), tracker.tick(fs, t, SETTINGS), "within the grace at " + t);
        }
        assertEquals(2, tracker.tick(fs, 46_000, SETTINGS).size());
    }

    @Test
    void healthMetricsRideAlongForDaemonsInTheMap() {
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        tracker.leadershipGained(0);
        MdsHealthMetric trim = MdsHealthMetric.newBuilder().setCode("MDS_TRIM").setSeverity("HEALTH_WARN")
                .setSummary("Behind on trimming (300/128)").build();
        tracker.beacon(beacon("a", GID_A, "up:active", fs).toBuilder().addHealth(trim).build(), fs, 0);
        assertEquals(Map.of(GID_A, List.of(trim)), tracker.view(fs).daemonHealth());
        tracker.beacon(beacon("a", GID_A, "up:active", fs), fs, 1_000);
        assertTrue(tracker.view(fs).daemonHealth().isEmpty(), "a beacon without metrics clears them");
    }
}
