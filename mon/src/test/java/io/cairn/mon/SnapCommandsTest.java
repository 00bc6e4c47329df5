package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.OsdMapCodec;
import io.cairn.common.osdmap.OsdMapIncremental;
import io.cairn.common.osdmap.Pool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pool and self-managed snapshots in the map: ids, modes, removal into the trim queue, encoding. */
class SnapCommandsTest {
    private static OsdMap withPool() {
        return WriteCommandsTest.ok(WriteCommandsTest.run(WriteCommandsTest.fresh(), "osd pool create",
                Map.of("pool", "p", "pg_num", "8")));
    }

    private static CommandResult run(OsdMap m, String prefix, Map<String, String> args) {
        return WriteCommandsTest.run(m, prefix, args);
    }

    @Test
    void selfManagedIdsStartAtTwoAndRemovalsQueueForTrimming() {
        OsdMap m = withPool();
        CommandResult first = run(m, "osd pool selfmanaged-snap create", Map.of("pool", "p"));
        assertEquals("2\n", first.plain());
        m = WriteCommandsTest.ok(first);
        Pool p = m.pool("p");
        assertTrue(p.isSelfManagedSnapsMode());
        assertEquals(2, p.snapSeq());
        m = WriteCommandsTest.ok(run(m, "osd pool selfmanaged-snap create", Map.of("pool", "p")));
        m = WriteCommandsTest.ok(run(m, "osd pool selfmanaged-snap rm", Map.of("pool", "p", "snapid", "2")));
        assertEquals("[2~1]", m.pool("p").removedSnapsQueue().toString());
        assertEquals(4, m.pool("p").snapSeq(), "a removal moves snap_seq on");
        CommandResult again = run(m, "osd pool selfmanaged-snap rm", Map.of("pool", "p", "snapid", "2"));
        assertEquals(ErrorCode.OK, again.code());
        assertNull(again.newMap());
        WriteCommandsTest.refused(ErrorCode.ENOENT, "snap 9 was never made in pool p",
                run(m, "osd pool selfmanaged-snap rm", Map.of("pool", "p", "snapid", "9")));
        WriteCommandsTest.refused(ErrorCode.EINVAL, "pool p is in unmanaged snaps mode",
                run(m, "osd pool mksnap", Map.of("pool", "p", "snap", "s")));
        assertTrue(ReadCommands.poolLine(m.pool("p")).contains("flags hashpspool,selfmanaged_snaps stripe_width 0\n"
                + "\tremoved_snaps_queue [2~1]"), ReadCommands.poolLine(m.pool("p")));
    }

    @Test
    void poolSnapsHaveNamesAndRefuseSelfManagedOnes() {
        OsdMap m = WriteCommandsTest.ok(run(withPool(), "osd pool mksnap", Map.of("pool", "p", "snap", "one")));
        m = WriteCommandsTest.ok(run(m, "osd pool mksnap", Map.of("pool", "p", "snap", "two")));
        Pool p = m.pool("p");
        assertEquals(List.of(1L, 2L), List.copyOf(p.snaps().keySet()));
        assertEquals(2, p.snap("two").id());
        assertNull(run(m, "osd pool mksnap", Map.of("pool", "p", "snap", "one")).newMap(), "an existing name is no error");
        WriteCommandsTest.refused(ErrorCode.EINVAL, "pool p is in pool snaps mode",
                run(m, "osd pool selfmanaged-snap create", Map.of("pool", "p")));
        WriteCommandsTest.refused(ErrorCode.EINVAL, "bad snap name 'a b'",
                run(m, "osd pool mksnap", Map.of("pool", "p", "snap", "a b")));
        OsdMap removed = WriteCommandsTest.ok(run(m, "osd pool rmsnap", Map.of("pool", "p", "snap", "one")));
        assertEquals(List.of(2L), List.copyOf(removed.pool("p").snaps().keySet()));
        assertEquals("[1~1]", removed.pool("p").removedSnapsQueue().toString());
        assertEquals(3, removed.pool("p").snapSeq());
        // the next snap never reuses an id
        OsdMap three = WriteCommandsTest.ok(run(removed, "osd pool mksnap", Map.of("pool", "p", "snap", "three")));
        assertEquals(4, three.pool("p").snap("three").id());
        // a pool that had pool snaps stays in that mode when they are all gone
        OsdMap none = WriteCommandsTest.ok(run(WriteCommandsTest.ok(run(three, "osd pool rmsnap",
                Map.of("pool", "p", "snap", "two"))), "osd pool rmsnap", Map.of("pool", "p", "snap", "three")));
        assertEquals(ErrorCode.EINVAL, run(none, "osd pool selfmanaged-snap create", Map.of("pool", "p")).code());
    }

    @Test
    void snapshotsTravelInMapsAndIncrementals() {
        OsdMap before = WriteCommandsTest.ok(run(withPool(), "osd pool mksnap", Map.of("pool", "p", "snap", "one")));
        OsdMap after = WriteCommandsTest.ok(run(before, "osd pool rmsnap", Map.of("pool", "p", "snap", "one")));
        assertEquals(after, OsdMapCodec.decode(OsdMapCodec.encode(after)));
        OsdMapIncremental inc = OsdMapCodec.decode(OsdMapCodec.encode(OsdMapIncremental.between(before, after)));
        assertEquals(after, before.apply(inc));
        assertEquals("[1~1]", before.apply(inc).pool("p").removedSnapsQueue().toString());
    }

    @Test
    void snapsEveryPgTrimmedMoveFromTheQueueToThePurgedSnaps() {
        OsdMap m = withPool();
        for (int i = 0; i < 4; i++) {
            m = WriteCommandsTest.ok(run(m, "osd pool selfmanaged-snap create", Map.of("pool", "p")));
        }
        for (String id : List.of("2", "3", "5")) {
            m = WriteCommandsTest.ok(run(m, "osd pool selfmanaged-snap rm", Map.of("pool", "p", "snapid", id)));
        }
        assertEquals("[2~2,5~1]", m.pool("p").removedSnapsQueue().toString());
        WriteCommandsTest.refused(ErrorCode.EPERM, "'osd pool snaps-purged' is for monitors only",
                run(m, "osd pool snaps-purged", Map.of("pool", "p", "snaps", "[2~2]")));
        OsdMap purged = WriteCommandsTest.ok(WriteCommandsTest.internal(m, "osd pool snaps-purged",
                Map.of("pool", "p", "snaps", "[2~2,9~1]")));
        Pool p = purged.pool("p");
        assertEquals("[5~1]", p.removedSnapsQueue().toString());
        assertEquals("[2~2]", p.purgedSnaps().toString(), "only what was queued");
        assertTrue(p.isSnapRemoved(2) && p.isSnapRemoved(5) && !p.isSnapRemoved(4));
        assertNull(WriteCommandsTest.internal(purged, "osd pool snaps-purged", Map.of("pool", "p", "snaps", "[2~2]"))
                .newMap(), "a repeated proposal changes nothing");
        assertNull(run(purged, "osd pool selfmanaged-snap rm", Map.of("pool", "p", "snapid", "2")).newMap(),
                "removing a purged snap again queues nothing");
        assertEquals(purged, OsdMapCodec.decode(OsdMapCodec.encode(purged)));
        WriteCommandsTest.refused(ErrorCode.EINVAL, "bad snap interval 'x~1' in [x~1]",
                WriteCommandsTest.internal(m, "osd pool snaps-purged", Map.of("pool", "p", "snaps", "[x~1]")));
    }
}
