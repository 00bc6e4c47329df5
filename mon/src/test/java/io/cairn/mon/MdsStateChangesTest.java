package io.cairn.mon;

import static io.cairn.mon.FsTestCluster.GID_A;
import static io.cairn.mon.FsTestCluster.GID_B;
import static io.cairn.mon.FsTestCluster.boot;
import static io.cairn.mon.FsTestCluster.internal;
import static io.cairn.mon.FsTestCluster.newFs;
import static io.cairn.mon.FsTestCluster.ok;
import static io.cairn.mon.FsTestCluster.refused;
import static io.cairn.mon.FsTestCluster.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.MdsDaemonInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Boot, recovery states and rank assignment: what the leader proposes from beacons, as every monitor applies it. */
class MdsStateChangesTest {
    private static final OsdMap OSD = FsTestCluster.osd();

    @Test
    void theFirstDaemonTakesRankZeroInReplayAndTheNextStandsBy() {
        FsMap fs = newFs(FsMap.EMPTY, OSD);
        fs = boot(fs, OSD, "b", GID_B);
        MdsDaemonInfo b = fs.daemon(GID_B);
        assertEquals("up:replay", b.getState());
        assertEquals(0, b.getRank());
        assertEquals(1, b.getFscid());
        assertEquals(fs.epoch(), b.getUpEpoch(), "up_epoch is the epoch that gave the rank");
        fs = boot(fs, OSD, "a", GID_A);
        assertEquals("up:standby", fs.daemon(GID_A).getState());
        assertEquals(-1, fs.daemon(GID_A).getRank());
        assertEquals(0, fs.daemon(GID_A).getFscid());
    }

    @Test
    void standbysTakeRanksInNameOrder() {
        FsMap fs = boot(boot(FsMap.EMPTY, OSD, "b", 7), OSD, "a", 9);
        fs = newFs(fs, OSD);
        assertEquals(9, fs.filesystem("cairnfs").getUpMap().get(0), "mds.a before mds.b, whatever the gids");
    }

    @Test
    void recoveryMovesForwardOnlyAndSettlesStandbyCountWanted() {
        FsMap fs = boot(boot(newFs(FsMap.EMPTY, OSD), OSD, "a", GID_A), OSD, "b", GID_B);
        refused(ErrorCode.EINVAL, "mds.a: up:replay -> up:rejoin is not a valid state change",
                internal(fs, OSD, "mds state", Map.of("gid", Long.toString(GID_A), "state", "up:rejoin")));
        refused(ErrorCode.EINVAL, "'up:standby' is not a state an MDS may ask for",
                internal(fs, OSD, "mds state", Map.of("gid", Long.toString(GID_A), "state", "up:standby")));
        refused(ErrorCode.ENOENT, "mds gid 99 is not in the map",
                internal(fs, OSD, "mds state", Map.of("gid", "99", "state", "up:active")));
        refused(ErrorCode.EINVAL, "mds.b: up:standby -> up:active is not a valid state change",
                internal(fs, OSD, "mds state", Map.of("gid", Long.toString(GID_B), "state", "up:active")));
        fs = state(fs, OSD, GID_A, MdsState.RECONNECT);
        assertTrue(fs.filesystem("cairnfs").getStandbyCountWantedUnset(), "no active MDS yet");
        fs = state(fs, OSD, GID_A, MdsState.REJOIN);
        fs = state(fs, OSD, GID_A, MdsState.ACTIVE);
        Filesystem f = fs.filesystem("cairnfs");
        assertFalse(f.getStandbyCountWantedUnset(), "an active MDS and a standby: Ceph's check_health settles it");
        assertEquals(1, f.getStandbyCountWanted());
        CommandResult again = internal(fs, OSD, "mds state", Map.of("gid", Long.toString(GID_A), "state", "up:active"));
        assertEquals(ErrorCode.OK, again.code());
        assertNull(again.newFsMap(), "a repeated state is a no-op");
        assertTrue(MdsStateChanges.transitionValid(MdsState.REPLAY, MdsState.ACTIVE));
        assertFalse(MdsStateChanges.transitionValid(MdsState.ACTIVE, MdsState.REPLAY));
        assertFalse(MdsStateChanges.transitionValid(MdsState.STANDBY, MdsState.DAMAGED));
    }

    @Test
    void aRestartedDaemonReplacesItsOldIncarnation() {
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        CommandResult r = internal(fs, OSD, "mds boot", Map.of("name", "a", "gid", "5000", "addr", "127.0.0.1:6950"));
        FsMap after = ok(r);
        assertEquals("mds.a booted as gid 5000, replacing gid " + GID_A, r.message());
        assertNull(after.daemon(GID_A));
        assertTrue(after.wasRemoved(GID_A));
        assertEquals(GID_B, after.filesystem("cairnfs").getUpMap().get(0), "the standby in name order took rank 0");
        assertEquals("up:standby", after.daemon(5000).getState());
        refused(ErrorCode.ESTALE, "mds gid " + GID_A + " was removed from the map; a restarted daemon boots with a new "
                + "gid", internal(after, OSD, "mds boot", Map.of("name", "a", "gid", Long.toString(GID_A))));
        CommandResult twice = internal(after, OSD, "mds boot", Map.of("name", "a", "gid", "5000"));
        assertNull(twice.newFsMap(), "a repeated boot proposal is a no-op");
        refused(ErrorCode.EINVAL, "'0' is not an mds gid (1.." + Long.MAX_VALUE + ")",
                internal(after, OSD, "mds boot", Map.of("name", "c", "gid", "0")));
        refused(ErrorCode.EINVAL, "bad mds name 'a b' (letters, digits, _ . -; at most 64)",
                internal(after, OSD, "mds boot", Map.of("name", "a b", "gid", "7")));
    }

    @Test
    void theLeadersFailByGidIsExactAndIdempotent() {
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        CommandRequest fail = CommandRequest.newBuilder().setPrefix("mds fail").putArgs("gid", Long.toString(GID_A))
                .putArgs("reason", "no beacon for 15s").build();
        FsMap after = ok(FsCommands.apply(fs, OSD, fail, FsTestCluster.NOW_MS, true));
        assertEquals(GID_B, after.filesystem("cairnfs").getUpMap().get(0));
        assertNull(FsCommands.apply(after, OSD, fail, FsTestCluster.NOW_MS, true).newFsMap());
        List<String> log = FsLog.events(fs, after, fail).stream().map(e -> e[0] + " " + e[1]).toList();
        assertEquals(List.of("WRN daemon mds.a failed as rank 0 of cairnfs (no beacon for 15s)",
                "INF Standby daemon mds.b assigned to filesystem cairnfs as rank 0"), log);
    }

    @Test
    void aRankWithoutStandbyStaysFailedUntilOneBoots() {
        FsMap fs = state(boot(newFs(FsMap.EMPTY, OSD), OSD, "a", GID_A), OSD, GID_A, MdsState.ACTIVE);
        fs = ok(FsTestCluster.run(fs, OSD, "mds fail", Map.of("role_or_gid", "a")));
        assertEquals(List.of(0), fs.filesystem("cairnfs").getFailedList());
        fs = boot(fs, OSD, "a", 6000);
        assertEquals(6000L, fs.filesystem("cairnfs").getUpMap().get(0));
        assertEquals(List.of(), fs.filesystem("cairnfs").getFailedList());
        assertEquals("up:replay", fs.daemon(6000).getState());
    }

    @Test
    void anInconsistentMapIsRefusedOnRestore() {
        FsMapData bad = FsMapData.newBuilder().setEpoch(3).addFilesystems(Filesystem.newBuilder().setFscid(1)
                .setName("x").putUp(0, 77)).build();
        assertThrows(IllegalStateException.class, () -> FsMap.of(bad));
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        assertEquals(fs.data(), FsMap.of(fs.data()).data());
    }
}
