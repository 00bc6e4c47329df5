package io.cairn.mds;

import static io.cairn.mds.CoreHarness.ROOT;
import static io.cairn.mds.CoreHarness.create;
import static io.cairn.mds.CoreHarness.getattr;
import static io.cairn.mds.CoreHarness.link;
import static io.cairn.mds.CoreHarness.lookup;
import static io.cairn.mds.CoreHarness.mkdir;
import static io.cairn.mds.CoreHarness.rename;
import static io.cairn.mds.CoreHarness.unlink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.LinkRef;
import io.cairn.proto.v1.SetattrOp;
import org.junit.jupiter.api.Test;

class HardLinkTest {
    private final CoreHarness h = new CoreHarness();

    private static LinkRef ref(long parent, String name) {
        return LinkRef.newBuilder().setParentIno(parent).setName(name).build();
    }

    @Test
    void aLinkIsARemoteDentryAndABackpointer() {
        InodeData d = h.ok(mkdir(ROOT, "d"));
        InodeData f = h.ok(create(ROOT, "f"));
        InodeData linked = h.ok(link(f.getIno(), d.getIno(), "g"));
        assertEquals(2, linked.getNlink());
        assertEquals(java.util.List.of(ref(d.getIno(), "g")), linked.getRemoteLinksList());
        assertTrue(h.ns().dentry(d.getIno(), "g").hasRemoteIno());
        assertEquals(linked, h.ok(lookup(d.getIno(), "g")));
        assertEquals(linked, h.ok(getattr(f.getIno())));
        h.fails(ErrorCode.EEXIST, link(f.getIno(), ROOT, "f"));
        h.fails(ErrorCode.EPERM, link(d.getIno(), ROOT, "dlink"));
        h.fails(ErrorCode.ENOENT, link(9999, ROOT, "x"));
        h.fails(ErrorCode.ENOTDIR, link(f.getIno(), f.getIno(), "x"));
    }

    @Test
    void unlinkingTheRemoteNameDropsTheBackpointer() {
        InodeData f = h.ok(create(ROOT, "f"));
        h.ok(link(f.getIno(), ROOT, "g"));
        h.ok(unlink(ROOT, "g"));
        InodeData after = h.ok(getattr(f.getIno()));
        assertEquals(1, after.getNlink());
        assertEquals(0, after.getRemoteLinksCount());
        assertFalse(h.core.purges().contains(f.getIno()));
    }

    @Test
    void unlinkingThePrimaryNameMovesTheInodeToAnotherLink() {
        InodeData d1 = h.ok(mkdir(ROOT, "d1"));
        InodeData d2 = h.ok(mkdir(ROOT, "d2"));
        InodeData f = h.ok(create(d1.getIno(), "f"));
        h.ok(CoreHarness.setattr(SetattrOp.newBuilder().setIno(f.getIno()).setMask(Mutations.MASK_SIZE).setSize(123)));
        h.ok(link(f.getIno(), d2.getIno(), "g"));
        h.ok(link(f.getIno(), ROOT, "h"));
        h.ok(unlink(d1.getIno(), "f"));
        assertEquals(new Location(d2.getIno(), "g"), h.ns().primaryOf(f.getIno()));
        assertTrue(h.ns().dentry(d2.getIno(), "g").hasPrimary());
        InodeData kept = h.ok(lookup(d2.getIno(), "g"));
        assertEquals(123, kept.getSize(), "the data stays reachable through the other links");
        assertEquals(2, kept.getNlink());
        assertEquals(java.util.List.of(ref(ROOT, "h")), kept.getRemoteLinksList());
        assertEquals(kept, h.ok(lookup(ROOT, "h")));
        assertFalse(h.core.purges().contains(f.getIno()));
        // the last two names go: only then is the data purged
        h.ok(unlink(d2.getIno(), "g"));
        assertEquals(new Location(ROOT, "h"), h.ns().primaryOf(f.getIno()));
        assertFalse(h.core.purges().contains(f.getIno()));
        h.ok(unlink(ROOT, "h"));
        assertTrue(h.core.purges().contains(f.getIno()));
        h.fails(ErrorCode.ENOENT, getattr(f.getIno()));
    }

    @Test
    void renamingARemoteNameMovesItsBackpointer() {
        InodeData d = h.ok(mkdir(ROOT, "d"));
        InodeData f = h.ok(create(ROOT, "f"));
        h.ok(link(f.getIno(), ROOT, "g"));
        h.ok(rename(ROOT, "g", d.getIno(), "g2"));
        InodeData i = h.ok(getattr(f.getIno()));
        assertEquals(java.util.List.of(ref(d.getIno(), "g2")), i.getRemoteLinksList());
        assertEquals(new Location(ROOT, "f"), h.ns().primaryOf(f.getIno()));
    }

    @Test
    void renamingThePrimaryKeepsTheRemoteNamesResolving() {
        InodeData d = h.ok(mkdir(ROOT, "d"));
        InodeData f = h.ok(create(ROOT, "f"));
        h.ok(link(f.getIno(), ROOT, "g"));
        h.ok(rename(ROOT, "f", d.getIno(), "f"));
        assertEquals(f.getIno(), h.ok(lookup(ROOT, "g")).getIno());
        assertEquals(2, h.ok(lookup(ROOT, "g")).getNlink());
    }

    @Test
    void renameOverALinkedFileDropsOnlyThatName() {
        InodeData victim = h.ok(create(ROOT, "victim"));
        h.ok(link(victim.getIno(), ROOT, "other"));
        h.ok(create(ROOT, "a"));
        h.ok(rename(ROOT, "a", ROOT, "victim"));
        InodeData left = h.ok(lookup(ROOT, "other"));
        assertEquals(victim.getIno(), left.getIno());
        assertEquals(1, left.getNlink());
        assertTrue(h.ns().dentry(ROOT, "other").hasPrimary());
        assertFalse(h.core.purges().contains(victim.getIno()));
    }

    @Test
    void renameOverARemoteNameUpdatesItsInode() {
        InodeData f = h.ok(create(ROOT, "f"));
        h.ok(link(f.getIno(), ROOT, "g"));
        h.ok(create(ROOT, "a"));
        h.ok(rename(ROOT, "a", ROOT, "g"));
        InodeData i = h.ok(getattr(f.getIno()));
        assertEquals(1, i.getNlink());
        assertEquals(0, i.getRemoteLinksCount());
    }
}
