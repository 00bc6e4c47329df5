package io.cairn.mds;

import static io.cairn.mds.CoreHarness.ROOT;
import static io.cairn.mds.CoreHarness.create;
import static io.cairn.mds.CoreHarness.getattr;
import static io.cairn.mds.CoreHarness.link;
import static io.cairn.mds.CoreHarness.lookup;
import static io.cairn.mds.CoreHarness.mkdir;
import static io.cairn.mds.CoreHarness.rename;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.InodeData;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RenameTest {
    private final CoreHarness h = new CoreHarness();

    @Test
    void renameWithinADirectory() {
        InodeData f = h.ok(create(ROOT, "a"));
        InodeData moved = h.ok(rename(ROOT, "a", ROOT, "b"));
        assertEquals(f.getIno(), moved.getIno());
        assertEquals(Set.of("b"), h.names(ROOT));
        assertEquals(1, h.ok(getattr(ROOT)).getEntries());
        assertTrue(h.core.purges().size() == 0);
    }

    @Test
    void renameAcrossDirectoriesMovesTheInodeAndCountsBothSides() {
        InodeData d1 = h.ok(mkdir(ROOT, "d1"));
        InodeData d2 = h.ok(mkdir(ROOT, "d2"));
        InodeData f = h.ok(create(d1.getIno(), "f"));
        h.ok(rename(d1.getIno(), "f", d2.getIno(), "g"));
        assertEquals(0, h.ok(getattr(d1.getIno())).getEntries());
        assertEquals(1, h.ok(getattr(d2.getIno())).getEntries());
        assertEquals(f.getIno(), h.ok(lookup(d2.getIno(), "g")).getIno());
        assertEquals(new Location(d2.getIno(), "g"), h.ns().primaryOf(f.getIno()));
        h.fails(ErrorCode.ENOENT, lookup(d1.getIno(), "f"));
        h.fails(ErrorCode.ENOENT, rename(d1.getIno(), "f", d2.getIno(), "h"));
    }

    @Test
    void fileOverFileReplacesAndPurgesTheOld() {
        h.ok(create(ROOT, "a"));
        InodeData b = h.ok(create(ROOT, "b"));
        h.ok(rename(ROOT, "a", ROOT, "b"));
        assertEquals(Set.of("b"), h.names(ROOT));
        assertTrue(h.core.purges().contains(b.getIno()));
        assertEquals(1, h.ok(getattr(ROOT)).getEntries());
    }

    @Test
    void directoryOverEmptyDirectoryReplacesIt() {
        InodeData a = h.ok(mkdir(ROOT, "a"));
        h.ok(create(a.getIno(), "inside"));
        InodeData b = h.ok(mkdir(ROOT, "b"));
        h.ok(rename(ROOT, "a", ROOT, "b"));
        assertEquals(a.getIno(), h.ok(lookup(ROOT, "b")).getIno());
        assertFalse(h.ns().hasDir(b.getIno()));
        assertEquals(Set.of("inside"), h.names(a.getIno()));
    }

    @Test
    void directoryOverNonEmptyDirectoryIsENOTEMPTY() {
        h.ok(mkdir(ROOT, "a"));
        InodeData b = h.ok(mkdir(ROOT, "b"));
        h.ok(create(b.getIno(), "x"));
        h.fails(ErrorCode.ENOTEMPTY, rename(ROOT, "a", ROOT, "b"));
    }

    @Test
    void fileOverDirectoryIsEISDIRAndDirectoryOverFileIsENOTDIR() {
        h.ok(create(ROOT, "f"));
        h.ok(mkdir(ROOT, "d"));
        h.fails(ErrorCode.EISDIR, rename(ROOT, "f", ROOT, "d"));
        h.fails(ErrorCode.ENOTDIR, rename(ROOT, "d", ROOT, "f"));
        assertEquals(Set.of("d", "f"), h.names(ROOT));
    }

    @Test
    void aDirectoryNeverMovesIntoItsOwnSubtree() {
        InodeData a = h.ok(mkdir(ROOT, "a"));
        InodeData b = h.ok(mkdir(a.getIno(), "b"));
        InodeData c = h.ok(mkdir(b.getIno(), "c"));
        h.fails(ErrorCode.EINVAL, rename(ROOT, "a", c.getIno(), "x"));
        h.fails(ErrorCode.EINVAL, rename(ROOT, "a", a.getIno(), "x"));
        // moving a directory up and out of its parent is fine
        h.ok(rename(b.getIno(), "c", ROOT, "c"));
        assertEquals(ROOT, h.ns().primaryOf(c.getIno()).dirIno());
    }

    @Test
    void sameInodeIsANoOp() {
        InodeData f = h.ok(create(ROOT, "f"));
        h.ok(link(f.getIno(), ROOT, "g"));
        int events = h.events.size();
        assertEquals(f.getIno(), h.ok(rename(ROOT, "f", ROOT, "g")).getIno());
        assertEquals(f.getIno(), h.ok(rename(ROOT, "f", ROOT, "f")).getIno());
        assertEquals(events, h.events.size());
        assertEquals(Set.of("f", "g"), h.names(ROOT));
    }

    @Test
    void renameChecksNamesAndParents() {
        InodeData f = h.ok(create(ROOT, "f"));
        h.fails(ErrorCode.EINVAL, rename(ROOT, "f", ROOT, ".."));
        h.fails(ErrorCode.EINVAL, rename(ROOT, "f", ROOT, "a/b"));
        h.fails(ErrorCode.ENAMETOOLONG, rename(ROOT, "f", ROOT, "n".repeat(256)));
        h.fails(ErrorCode.ENOTDIR, rename(ROOT, "f", f.getIno(), "x"));
        h.fails(ErrorCode.ENOENT, rename(ROOT, "f", 31337, "x"));
    }

    @Test
    void renamingAFileRewritesItsBacktrace() {
        InodeData f = h.ok(create(ROOT, "f"));
        h.core.takeBacktraces(Long.MAX_VALUE, 100).forEach(b -> h.core.backtraceDone(b.ino()));
        h.ok(rename(ROOT, "f", ROOT, "g"));
        var bts = h.core.takeBacktraces(Long.MAX_VALUE, 100);
        assertEquals(1, bts.size());
        assertEquals("/g", Backtraces.path(Backtraces.decode(bts.get(0).value())));
        assertEquals(f.getIno(), bts.get(0).ino());
    }
}
