package io.cairn.mds;

import static io.cairn.mds.CoreHarness.ROOT;
import static io.cairn.mds.CoreHarness.create;
import static io.cairn.mds.CoreHarness.getattr;
import static io.cairn.mds.CoreHarness.link;
import static io.cairn.mds.CoreHarness.lookup;
import static io.cairn.mds.CoreHarness.mkdir;
import static io.cairn.mds.CoreHarness.open;
import static io.cairn.mds.CoreHarness.path;
import static io.cairn.mds.CoreHarness.readdir;
import static io.cairn.mds.CoreHarness.readlink;
import static io.cairn.mds.CoreHarness.rmdir;
import static io.cairn.mds.CoreHarness.setattr;
import static io.cairn.mds.CoreHarness.symlink;
import static io.cairn.mds.CoreHarness.unlink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsReply;
import io.cairn.proto.v1.MdsRequest;
import io.cairn.proto.v1.SetattrOp;
import io.cairn.proto.v1.StatfsOp;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamespaceOpsTest {
    private final CoreHarness h = new CoreHarness();

    @Test
    void mkdirMakesAnEmptyDirectoryAndCountsItInItsParent() {
        InodeData d = h.ok(mkdir(ROOT, "a"));
        assertTrue(Inodes.isDir(d));
        assertEquals(0755, d.getMode() & 07777);
        assertEquals(MdsObjects.firstIno(0), d.getIno());
        assertEquals(0, d.getEntries());
        assertEquals(1, h.ok(getattr(ROOT)).getEntries());
        assertEquals(d, h.ok(lookup(ROOT, "a")));
        h.fails(ErrorCode.EEXIST, mkdir(ROOT, "a"));
        h.fails(ErrorCode.ENOENT, mkdir(999, "x"));
        InodeData f = h.ok(create(d.getIno(), "f"));
        h.fails(ErrorCode.ENOTDIR, mkdir(f.getIno(), "x"));
    }

    @Test
    void badNamesAreRefused() {
        for (String bad : List.of("", ".", "..", "a/b", "nul\0")) {
            h.fails(ErrorCode.EINVAL, mkdir(ROOT, bad));
            h.fails(ErrorCode.EINVAL, create(ROOT, bad));
            h.fails(ErrorCode.EINVAL, symlink(ROOT, bad, "t"));
        }
        h.ok(mkdir(ROOT, "x".repeat(255)));
        h.fails(ErrorCode.ENAMETOOLONG, mkdir(ROOT, "x".repeat(256)));
        // bytes count, not characters: 128 two-byte characters are 256 bytes
        h.fails(ErrorCode.ENAMETOOLONG, create(ROOT, "é".repeat(128)));
        h.ok(create(ROOT, "é".repeat(127)));
        h.fails(ErrorCode.ENAMETOOLONG, lookup(ROOT, "y".repeat(300)));
    }

    @Test
    void rmdirNeedsAnEmptyDirectory() {
        InodeData a = h.ok(mkdir(ROOT, "a"));
        h.ok(create(a.getIno(), "f"));
        h.fails(ErrorCode.ENOTEMPTY, rmdir(ROOT, "a"));
        h.ok(unlink(a.getIno(), "f"));
        h.ok(rmdir(ROOT, "a"));
        h.fails(ErrorCode.ENOENT, lookup(ROOT, "a"));
        h.fails(ErrorCode.ENOENT, rmdir(ROOT, "a"));
        h.fails(ErrorCode.ENOENT, getattr(a.getIno()));
        h.ok(create(ROOT, "file"));
        h.fails(ErrorCode.ENOTDIR, rmdir(ROOT, "file"));
        h.fails(ErrorCode.EINVAL, rmdir(ROOT, "."));
        assertEquals(1, h.ok(getattr(ROOT)).getEntries());
        assertFalse(h.ns().hasDir(a.getIno()));
    }

    @Test
    void exclusiveCreateRefusesAnExistingNameAndPlainCreateOpensIt() {
        InodeData f = h.ok(create(ROOT, "f", true));
        assertTrue(Inodes.isFile(f));
        assertEquals(0100644, f.getMode());
        assertEquals(1, f.getNlink());
        assertEquals(2, f.getLayout().getPoolId());
        assertEquals(4 << 20, f.getLayout().getObjectSize());
        h.fails(ErrorCode.EEXIST, create(ROOT, "f", true));
        int events = h.events.size();
        assertEquals(f, h.ok(create(ROOT, "f", false)));
        assertEquals(events, h.events.size(), "opening an existing file journals nothing");
        h.ok(mkdir(ROOT, "d"));
        h.fails(ErrorCode.EISDIR, create(ROOT, "d", false));
        h.fails(ErrorCode.EEXIST, create(ROOT, "d", true));
        h.fails(ErrorCode.ENOTDIR, create(f.getIno(), "x"));
    }

    @Test
    void openWithTruncateEmptiesTheFile() {
        InodeData f = h.ok(create(ROOT, "f"));
        h.ok(setattr(SetattrOp.newBuilder().setIno(f.getIno()).setMask(Mutations.MASK_SIZE).setSize(5000)));
        assertEquals(5000, h.ok(open(f.getIno(), false)).getSize());
        h.nowMs += 1000;
        InodeData t = h.ok(open(f.getIno(), true));
        assertEquals(0, t.getSize());
        assertEquals(h.nowMs - 1, t.getMtimeMs());
        assertTrue(t.getVersion() > f.getVersion());
        InodeData d = h.ok(mkdir(ROOT, "d"));
        h.fails(ErrorCode.EISDIR, open(d.getIno(), true));
        assertEquals(d, h.ok(open(d.getIno(), false)));
        h.fails(ErrorCode.ENOENT, open(12345, false));
    }

    @Test
    void setattrChangesWhatTheMaskSays() {
        InodeData f = h.ok(create(ROOT, "f"));
        InodeData s = h.ok(setattr(SetattrOp.newBuilder().setIno(f.getIno())
                .setMask(Mutations.MASK_MODE | Mutations.MASK_UID | Mutations.MASK_GID)
                .setMode(0100600 | 0040000).setUid(5).setGid(6).setSize(999)));
        assertEquals(0100600, s.getMode(), "only permission bits change; the type stays");
        assertEquals(5, s.getUid());
        assertEquals(6, s.getGid());
        assertEquals(0, s.getSize(), "size was not in the mask");
        InodeData t = h.ok(setattr(SetattrOp.newBuilder().setIno(f.getIno())
                .setMask(Mutations.MASK_ATIME | Mutations.MASK_MTIME | Mutations.MASK_SIZE).setAtimeMs(11).setMtimeMs(22)
                .setSize(100)));
        assertEquals(11, t.getAtimeMs());
        assertEquals(22, t.getMtimeMs());
        assertEquals(100, t.getSize());
        InodeData d = h.ok(mkdir(ROOT, "d"));
        h.fails(ErrorCode.EISDIR, setattr(SetattrOp.newBuilder().setIno(d.getIno()).setMask(Mutations.MASK_SIZE)));
        h.fails(ErrorCode.ENOENT, setattr(SetattrOp.newBuilder().setIno(4242).setMask(Mutations.MASK_MODE)));
        InodeData r = h.ok(setattr(SetattrOp.newBuilder().setIno(ROOT).setMask(Mutations.MASK_MODE).setMode(0700)));
        assertEquals(0040700, r.getMode());
    }

    @Test
    void aWritersSizeOnlyGrowsAndItsMtimeOnlyMovesForward() {
        InodeData f = h.ok(create(ROOT, "f"));
        int writer = Mutations.MASK_SIZE | Mutations.MASK_MTIME;
        InodeData a = h.ok(setattr(SetattrOp.newBuilder().setIno(f.getIno()).setMask(writer).setFromWriter(true)
                .setSize(4096).setMtimeMs(h.nowMs + 50)));
        assertEquals(4096, a.getSize());
        int events = h.events.size();
        InodeData late = h.ok(setattr(SetattrOp.newBuilder().setIno(f.getIno()).setMask(writer).setFromWriter(true)
                .setSize(1000).setMtimeMs(5)));
        assertEquals(4096, late.getSize());
        assertEquals(a.getMtimeMs(), late.getMtimeMs());
        assertEquals(events, h.events.size(), "a stale report changes nothing and journals nothing");
        // a plain setattr (truncate) may shrink
        assertEquals(10, h.ok(setattr(SetattrOp.newBuilder().setIno(f.getIno()).setMask(Mutations.MASK_SIZE)
                .setSize(10))).getSize());
    }

    @Test
    void unlinkRemovesAFileAndQueuesItsData() {
        InodeData f = h.ok(create(ROOT, "f"));
        h.ok(unlink(ROOT, "f"));
        h.fails(ErrorCode.ENOENT, lookup(ROOT, "f"));
        h.fails(ErrorCode.ENOENT, getattr(f.getIno()));
        h.fails(ErrorCode.ENOENT, unlink(ROOT, "f"));
        assertTrue(h.core.purges().contains(f.getIno()));
        h.ok(mkdir(ROOT, "d"));
        h.fails(ErrorCode.EISDIR, unlink(ROOT, "d"));
        InodeData s = h.ok(symlink(ROOT, "s", "/x"));
        h.ok(unlink(ROOT, "s"));
        assertFalse(h.core.purges().contains(s.getIno()), "a symlink has no data objects");
        assertEquals(1, h.ok(getattr(ROOT)).getEntries());
    }

    @Test
    void symlinkAndReadlink() {
        InodeData s = h.ok(symlink(ROOT, "s", "../target/file"));
        assertTrue(Inodes.isSymlink(s));
        assertEquals("../target/file", h.ok(readlink(s.getIno())).getSymlinkTarget());
        assertEquals(14, s.getSize());
        h.fails(ErrorCode.EEXIST, symlink(ROOT, "s", "y"));
        h.fails(ErrorCode.ENOENT, symlink(ROOT, "t", ""));
        h.fails(ErrorCode.ENAMETOOLONG, symlink(ROOT, "t", "p".repeat(4097)));
        InodeData f = h.ok(create(ROOT, "f"));
        h.fails(ErrorCode.EINVAL, readlink(f.getIno()));
        h.fails(ErrorCode.EINVAL, create(ROOT, "s", false));
    }

    @Test
    void lookupOfDotAndDotDot() {
        InodeData a = h.ok(mkdir(ROOT, "a"));
        InodeData b = h.ok(mkdir(a.getIno(), "b"));
        assertEquals(b.getIno(), h.ok(lookup(b.getIno(), ".")).getIno());
        assertEquals(a.getIno(), h.ok(lookup(b.getIno(), "..")).getIno());
        assertEquals(ROOT, h.ok(lookup(ROOT, "..")).getIno());
        InodeData f = h.ok(create(ROOT, "f"));
        h.fails(ErrorCode.ENOTDIR, lookup(f.getIno(), "x"));
    }

    @Test
    void pathFollowsPrimaryDentriesUpToTheRoot() {
        InodeData a = h.ok(mkdir(ROOT, "a"));
        InodeData b = h.ok(mkdir(a.getIno(), "b"));
        InodeData f = h.ok(create(b.getIno(), "f"));
        assertEquals("/a/b/f", h.call(path(f.getIno())).getPath());
        assertEquals("/", h.call(path(ROOT)).getPath());
        h.ok(CoreHarness.rename(ROOT, "a", ROOT, "z"));
        assertEquals("/z/b/f", h.call(path(f.getIno())).getPath());
        h.fails(ErrorCode.ENOENT, path(77));
    }

    @Test
    void statfsCarriesClusterSpaceAndInodeCount() {
        h.ok(mkdir(ROOT, "a"));
        h.ok(create(ROOT, "b"));
        MdsReply r = h.call(MdsRequest.newBuilder().setStatfs(StatfsOp.getDefaultInstance()));
        assertEquals(1000, r.getStatfs().getTotalBytes());
        assertEquals(100, r.getStatfs().getUsedBytes());
        assertEquals(900, r.getStatfs().getAvailBytes());
        assertEquals(3, r.getStatfs().getFiles());
    }

    @Test
    void aRequestWithoutAnOperationIsInvalid() {
        h.fails(ErrorCode.EINVAL, MdsRequest.newBuilder());
    }

    @Test
    void inodeNumbersAreNeverReused() {
        InodeData a = h.ok(create(ROOT, "a"));
        h.ok(unlink(ROOT, "a"));
        InodeData b = h.ok(create(ROOT, "a"));
        assertNotEquals(a.getIno(), b.getIno());
        assertEquals(b.getIno() + 1, h.ns().nextIno());
    }

    @Test
    void readdirListsEntriesInNameOrderWithTheirInodes() {
        InodeData f = h.ok(create(ROOT, "b"));
        h.ok(mkdir(ROOT, "a"));
        h.ok(link(f.getIno(), ROOT, "c"));
        MdsReply r = h.call(readdir(ROOT, "", 0));
        assertEquals(List.of("a", "b", "c"), r.getEntriesList().stream().map(e -> e.getName()).toList());
        assertEquals(r.getEntries(1).getInode(), r.getEntries(2).getInode(), "a hard link lists its inode");
        assertTrue(r.getEnd());
        assertEquals(Set.of("a", "b", "c"), h.names(ROOT));
        h.fails(ErrorCode.ENOTDIR, readdir(f.getIno(), "", 0));
        h.fails(ErrorCode.ENOENT, readdir(55, "", 0));
    }
}
