package io.cairn.mon;

import static io.cairn.mon.FsTestCluster.GID_A;
import static io.cairn.mon.FsTestCluster.GID_B;
import static io.cairn.mon.FsTestCluster.boot;
import static io.cairn.mon.FsTestCluster.newFs;
import static io.cairn.mon.FsTestCluster.ok;
import static io.cairn.mon.FsTestCluster.refused;
import static io.cairn.mon.FsTestCluster.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.Filesystem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The FsMap commands an operator types: Ceph's rules, errors and messages, and their effect on ranks. */
class FsCommandsTest {
    private static final OsdMap OSD = FsTestCluster.osd();

    @Test
    void fsNewUsesTwoExistingPoolsAndStartsEpochsAtOne() {
        CommandResult r = run(FsMap.EMPTY, OSD, "fs new", Map.of("fs_name", "cairnfs", "metadata", "cairnfs_metadata",
                "data", "cairnfs_data"));
        FsMap fs = ok(r);
        long meta = OSD.pool("cairnfs_metadata").id();
        long data = OSD.pool("cairnfs_data").id();
        assertEquals("new fs with metadata pool " + meta + " and data pool " + data, r.message());
        assertEquals(1, fs.epoch());
        Filesystem f = fs.filesystem("cairnfs");
        assertEquals(1, f.getFscid());
        assertEquals(meta, f.getMetadataPool());
        assertEquals(List.of(data), f.getDataPoolsList());
        assertEquals(1, f.getMaxMds());
        assertEquals(60, f.getSessionTimeoutS());
        assertEquals(300, f.getSessionAutocloseS());
        assertTrue(f.getJoinable());
        assertTrue(f.getStandbyCountWantedUnset());
        assertEquals(1, f.getModifiedEpoch());
        assertEquals(0, f.getUpCount(), "no MDS yet: rank 0 waits for one");
    }

    @Test
    void fsNewRefusalsFollowCeph() {
        refused(ErrorCode.ENOENT, "pool 'nope' does not exist", run(FsMap.EMPTY, OSD, "fs new",
                Map.of("fs_name", "x", "metadata", "nope", "data", "cairnfs_data")));
        refused(ErrorCode.ENOENT, "pool 'nope' does not exist", run(FsMap.EMPTY, OSD, "fs new",
                Map.of("fs_name", "x", "metadata", "cairnfs_metadata", "data", "nope")));
        refused(ErrorCode.EINVAL, "pool 'data' cannot be both the metadata and the data pool", run(FsMap.EMPTY, OSD,
                "fs new", Map.of("fs_name", "x", "metadata", "data", "data", "data")));
        FsMap fs = newFs(FsMap.EMPTY, OSD);
        CommandResult again = run(fs, OSD, "fs new", Map.of("fs_name", "cairnfs", "metadata", "cairnfs_metadata",
                "data", "cairnfs_data"));
        assertEquals(ErrorCode.OK, again.code());
        assertEquals("filesystem 'cairnfs' already exists", again.message());
        assertNull(again.newFsMap(), "the same fs again is a no-op");
        refused(ErrorCode.EINVAL, "filesystem already exists with name 'cairnfs'", run(fs, OSD, "fs new",
                Map.of("fs_name", "cairnfs", "metadata", "data", "data", "cairnfs_data")));
        refused(ErrorCode.EINVAL, "Filesystem 'other' is already using one of the specified RADOS pools. This should "
                + "ONLY be done in emergencies and after careful reading of the documentation.", run(fs, OSD, "fs new",
                Map.of("fs_name", "other", "metadata", "data", "data", "cairnfs_data")));
        refused(ErrorCode.EINVAL, "Filesystem name may not be empty", run(fs, OSD, "fs new",
                Map.of("metadata", "cairnfs_metadata", "data", "cairnfs_data")));
    }

    @Test
    void severalFileSystemsEachGetTheirOwnId() {
        OsdMap osd = WriteCommandsTest.ok(WriteCommandsTest.run(OSD, "osd pool create", Map.of("pool", "m2",
                "pg_num", "8")));
        FsMap fs = newFs(FsMap.EMPTY, osd);
        fs = ok(run(fs, osd, "fs new", Map.of("fs_name", "second", "metadata", "m2", "data", "data")));
        assertEquals(2, fs.filesystem("second").getFscid());
        assertEquals(2, fs.epoch());
    }

    @Test
    void aPoolInUseMayNotBeDeleted() {
        FsMap fs = newFs(FsMap.EMPTY, OSD);
        CommandRequest rm = CommandRequest.newBuilder().setPrefix("osd pool rm").putArgs("pool", "cairnfs_data")
                .putArgs("pool2", "cairnfs_data").putArgs("yes_i_really_really_mean_it", "true").build();
        CommandResult r = FsCommands.refusePoolRemoval(fs, OSD, rm);
        assertEquals(ErrorCode.EBUSY, r.code());
        assertEquals("pool 'cairnfs_data' is in use by CephFS", r.message());
        assertNull(FsCommands.refusePoolRemoval(fs, OSD, rm.toBuilder().putArgs("pool", "data").build()));
        assertNull(FsCommands.refusePoolRemoval(FsMap.EMPTY, OSD, rm));
    }

    @Test
    void fsSetChecksEachValueAsCephDoes() {
        FsMap fs = newFs(FsMap.EMPTY, OSD);
        refused(ErrorCode.ENOENT, "Filesystem not found: 'nope'", set(fs, "nope", "max_mds", "1"));
        refused(ErrorCode.EINVAL, "You must specify at least one MDS", set(fs, "cairnfs", "max_mds", "0"));
        refused(ErrorCode.EINVAL, "may not have more than 256 MDS ranks", set(fs, "cairnfs", "max_mds", "257"));
        refused(ErrorCode.EINVAL, "max_mds requires an integer value", set(fs, "cairnfs", "max_mds", "two"));
        refused(ErrorCode.ERANGE, "session_timeout must be at least 30s", set(fs, "cairnfs", "session_timeout", "29"));
        refused(ErrorCode.ERANGE, "standby_count_wanted must be non-negative",
                set(fs, "cairnfs", "standby_count_wanted", "-1"));
        refused(ErrorCode.EINVAL, "value must be false|no|0 or true|yes|1", set(fs, "cairnfs", "joinable", "maybe"));
        refused(ErrorCode.EINVAL, "unknown variable colour", set(fs, "cairnfs", "colour", "red"));
        FsMap two = ok(set(fs, "cairnfs", "max_mds", "2"));
        assertEquals(2, two.filesystem("cairnfs").getMaxMds());
        assertEquals("max_mds is 2, but Cairn gives a standby only rank 0 for now (one active MDS)",
                set(fs, "cairnfs", "max_mds", "2").message());
        FsMap timeouts = ok(set(ok(set(fs, "cairnfs", "session_timeout", "90")), "cairnfs", "session_autoclose", "600"));
        assertEquals(90, timeouts.filesystem("cairnfs").getSessionTimeoutS());
        assertEquals(600, timeouts.filesystem("cairnfs").getSessionAutocloseS());
        FsMap wanted = ok(set(fs, "cairnfs", "standby_count_wanted", "0"));
        assertFalse(wanted.filesystem("cairnfs").getStandbyCountWantedUnset(), "set for good, even to 0");
        CommandResult same = set(fs, "cairnfs", "joinable", "true");
        assertEquals("cairnfs marked joinable; MDS may join as newly active.", same.message());
        assertNull(same.newFsMap(), "nothing changed, no new epoch");
    }

    @Test
    void fsFailFailsEveryRankAndKeepsStandbysOutUntilJoinable() {
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        CommandResult r = run(fs, OSD, "fs fail", Map.of("fs_name", "cairnfs"));
        FsMap failed = ok(r);
        assertEquals("cairnfs marked not joinable; MDS cannot join the cluster. All MDS ranks marked failed.", r.message());
        Filesystem f = failed.filesystem("cairnfs");
        assertFalse(f.getJoinable());
        assertEquals(List.of(0), f.getFailedList());
        assertEquals(0, f.getUpCount());
        assertNull(failed.daemon(GID_A), "the rank holder is out of the map; it restarts as a new gid");
        assertTrue(failed.wasRemoved(GID_A));
        assertEquals(-1, failed.daemon(GID_B).getRank(), "the standby does not take a rank of a failed fs");
        refused(ErrorCode.ENOENT, "Not found: 'nope'", run(fs, OSD, "fs fail", Map.of("fs_name", "nope")));
        FsMap back = ok(set(failed, "cairnfs", "joinable", "true"));
        assertEquals(GID_B, back.filesystem("cairnfs").getUpMap().get(0));
        assertEquals(MdsState.REPLAY.cephName(), back.daemon(GID_B).getState());
        assertEquals(back.epoch(), back.daemon(GID_B).getUpEpoch());
    }

    @Test
    void fsRmNeedsEveryRankDownAndTheFlag() {
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        refused(ErrorCode.EINVAL, "all MDS daemons must be inactive/failed before removing filesystem. See `cairn fs "
                + "fail`.", run(fs, OSD, "fs rm", Map.of("fs_name", "cairnfs", "yes_i_really_mean_it", "true")));
        FsMap failed = ok(run(fs, OSD, "fs fail", Map.of("fs_name", "cairnfs")));
        assertEquals(ErrorCode.EPERM, run(failed, OSD, "fs rm", Map.of("fs_name", "cairnfs")).code());
        FsMap gone = ok(run(failed, OSD, "fs rm", Map.of("fs_name", "cairnfs", "yes_i_really_mean_it", "true")));
        assertTrue(gone.filesystems().isEmpty());
        assertEquals(1, gone.standbys().size(), "mds.b stays, as a standby for the next file system");
        CommandResult again = run(gone, OSD, "fs rm", Map.of("fs_name", "cairnfs", "yes_i_really_mean_it", "true"));
        assertEquals("filesystem 'cairnfs' does not exist", again.message());
        assertNull(again.newFsMap());
        FsMap next = newFs(gone, OSD);
        assertEquals(2, next.filesystem("cairnfs").getFscid(), "fscids are never reused");
        assertEquals(GID_B, next.filesystem("cairnfs").getUpMap().get(0), "fs new gives rank 0 to a standby at once");
    }

    @Test
    void mdsFailTakesARankGidOrNameAndAStandbyTakesOver() {
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        for (String who : List.of("0", "cairnfs:0", Long.toString(GID_A), "a")) {
            CommandResult r = run(fs, OSD, "mds fail", Map.of("role_or_gid", who));
            FsMap after = ok(r);
            assertEquals("failed mds gid " + GID_A, r.message(), who);
            assertNull(after.daemon(GID_A));
            assertEquals(GID_B, after.filesystem("cairnfs").getUpMap().get(0), who);
            assertEquals(List.of(), after.filesystem("cairnfs").getFailedList());
        }
        CommandResult none = run(fs, OSD, "mds fail", Map.of("role_or_gid", "zz"));
        assertEquals(ErrorCode.OK, none.code());
        assertNull(none.newFsMap());
        FsMap standbyGone = ok(run(fs, OSD, "mds fail", Map.of("role_or_gid", "b")));
        assertTrue(standbyGone.standbys().isEmpty());
        assertEquals(GID_A, standbyGone.filesystem("cairnfs").getUpMap().get(0));
    }

    @Test
    void internalCommandsAreRefusedToClients() {
        refused(ErrorCode.EPERM, "'mds boot' is for monitors only", run(FsMap.EMPTY, OSD, "mds boot",
                Map.of("name", "a", "gid", "1")));
        refused(ErrorCode.EPERM, "'mds state' is for monitors only", run(FsMap.EMPTY, OSD, "mds state",
                Map.of("gid", "1", "state", "up:active")));
    }

    @Test
    void aDamagedRankWaitsForMdsRepaired() {
        FsMap fs = FsTestCluster.oneActiveOneStandby(OSD);
        FsMap damaged = FsTestCluster.state(fs, OSD, GID_A, MdsState.DAMAGED);
        Filesystem f = damaged.filesystem("cairnfs");
        assertEquals(List.of(0), f.getDamagedList());
        assertEquals(0, f.getUpCount(), "no standby takes a damaged rank");
        assertEquals(-1, damaged.daemon(GID_B).getRank());
        assertEquals("nothing to do: rank is not damaged", run(fs, OSD, "mds repaired", Map.of("role", "0")).message());
        CommandResult r = run(damaged, OSD, "mds repaired", Map.of("role", "cairnfs:0"));
        FsMap repaired = ok(r);
        assertEquals("repaired: restoring rank cairnfs:0", r.message());
        assertEquals(GID_B, repaired.filesystem("cairnfs").getUpMap().get(0));
        refused(ErrorCode.EINVAL, "Invalid rank 'x'", run(damaged, OSD, "mds repaired", Map.of("role", "x")));
        refused(ErrorCode.ENOENT, "Invalid filesystem", run(damaged, OSD, "mds repaired", Map.of("role", "nope:0")));
    }

    private static CommandResult set(FsMap fs, String name, String var, String val) {
        return run(fs, OSD, "fs set", Map.of("fs_name", name, "var", var, "val", val));
    }

    @Test
    void bootingWithoutAFileSystemStaysStandby() {
        FsMap fs = boot(FsMap.EMPTY, OSD, "a", GID_A);
        assertEquals(1, fs.standbys().size());
        assertTrue(fs.filesystems().isEmpty());
    }
}
