package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandRequest;
import java.util.Map;

/** A cluster with the two pools a file system needs, and helpers to run FsMap commands on it. */
final class FsTestCluster {
    static final long NOW_MS = 1_795_000_000_000L;
    static final long GID_A = 4242;
    static final long GID_B = 4343;

    private FsTestCluster() {}

    /** WriteCommandsTest's three OSDs and pool "data", plus cairnfs_metadata and cairnfs_data. */
    static OsdMap osd() {
        OsdMap m = WriteCommandsTest.cluster();
        m = WriteCommandsTest.ok(WriteCommandsTest.run(m, "osd pool create", Map.of("pool", "cairnfs_metadata",
                "pg_num", "8")));
        return WriteCommandsTest.ok(WriteCommandsTest.run(m, "osd pool create", Map.of("pool", "cairnfs_data",
                "pg_num", "8")));
    }

    static CommandResult run(FsMap fs, OsdMap osd, String prefix, Map<String, String> args) {
        return FsCommands.apply(fs, osd, CommandRequest.newBuilder().setPrefix(prefix).putAllArgs(args)
                .setEntity("client.admin").build(), NOW_MS, false);
    }

    static CommandResult internal(FsMap fs, OsdMap osd, String prefix, Map<String, String> args) {
        return FsCommands.apply(fs, osd, CommandRequest.newBuilder().setPrefix(prefix).putAllArgs(args)
                .setEntity("mon.a").build(), NOW_MS, true);
    }

    static FsMap ok(CommandResult r) {
        assertEquals(ErrorCode.OK, r.code(), r.message());
        assertNotNull(r.newFsMap(), "the FsMap changed: " + r.message());
        assertNull(r.newMap(), "an fs command leaves the OSDMap alone");
        return r.newFsMap();
    }

    static void refused(ErrorCode code, String message, CommandResult r) {
        assertEquals(code, r.code(), r.message());
        assertEquals(message, r.message());
        assertNull(r.newFsMap(), "a refused command leaves the FsMap alone");
    }

    static FsMap newFs(FsMap fs, OsdMap osd) {
        return ok(run(fs, osd, "fs new", Map.of("fs_name", "cairnfs", "metadata", "cairnfs_metadata",
                "data", "cairnfs_data")));
    }

    static FsMap boot(FsMap fs, OsdMap osd, String name, long gid) {
        return ok(internal(fs, osd, "mds boot", Map.of("name", name, "gid", Long.toString(gid),
                "addr", "127.0.0.1:" + (6900 + gid % 100))));
    }

    static FsMap state(FsMap fs, OsdMap osd, long gid, MdsState s) {
        return ok(internal(fs, osd, "mds state", Map.of("gid", Long.toString(gid), "state", s.cephName())));
    }

    /** File system cairnfs, mds.a active as rank 0, mds.b standing by. */
    static FsMap oneActiveOneStandby(OsdMap osd) {
        FsMap fs = newFs(FsMap.EMPTY, osd);
        fs = boot(fs, osd, "a", GID_A);
        fs = boot(fs, osd, "b", GID_B);
        return state(fs, osd, GID_A, MdsState.ACTIVE);
    }
}
