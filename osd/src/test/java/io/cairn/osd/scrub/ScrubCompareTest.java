package io.cairn.osd.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.proto.v1.ScrubObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScrubCompareTest {
    private static ScrubObject obj(String name, long size, int data) {
        return ScrubObject.newBuilder().setName(name).setSize(size).setDataDigest(data).setOmapDigest(7)
                .putAttrDigests("v", 11).build();
    }

    private static final List<Integer> ACTING = List.of(3, 1, 2);

    @Test
    void agreeingCopiesAreNotReported() {
        var maps = Map.of(3, List.of(obj("a", 10, 1), obj("b", 5, 2)), 1, List.of(obj("a", 10, 1), obj("b", 5, 2)),
                2, List.of(obj("b", 5, 2), obj("a", 10, 1)));
        assertEquals(List.of(), ScrubCompare.compare(ACTING, maps, true));
    }

    @Test
    void theMajorityIsAuthoritativeAndTheOddCopyIsNamed() {
        var maps = Map.of(3, List.of(obj("a", 10, 1)), 1, List.of(obj("a", 10, 9)), 2, List.of(obj("a", 10, 1)));
        ObjectInconsistency i = ScrubCompare.compare(ACTING, maps, true).get(0);
        assertEquals(3, i.authOsd());
        assertEquals(List.of(1), i.badOsds());
        assertEquals(Set.of(ShardError.DATA_DIGEST_MISMATCH), i.objectErrors());
        // the primary's copy is the odd one: the two replicas win
        maps = Map.of(3, List.of(obj("a", 12, 9)), 1, List.of(obj("a", 10, 1)), 2, List.of(obj("a", 10, 1)));
        i = ScrubCompare.compare(ACTING, maps, true).get(0);
        assertEquals(1, i.authOsd());
        assertEquals(List.of(3), i.badOsds());
        assertEquals(Set.of(ShardError.SIZE_MISMATCH, ShardError.DATA_DIGEST_MISMATCH), i.unionShardErrors());
    }

    @Test
    void aShallowScrubIgnoresDigestsButNotSizesOrAttrs() {
        var maps = Map.of(3, List.of(obj("a", 10, 1)), 1, List.of(obj("a", 10, 9)), 2, List.of(obj("a", 10, 1)));
        assertEquals(List.of(), ScrubCompare.compare(ACTING, maps, false));
        ScrubObject otherAttr = obj("a", 10, 1).toBuilder().putAttrDigests("_user", 5).build();
        maps = Map.of(3, List.of(obj("a", 10, 1)), 1, List.of(otherAttr), 2, List.of(obj("a", 10, 1)));
        var i = ScrubCompare.compare(ACTING, maps, false).get(0);
        assertEquals(Set.of(ShardError.ATTR_NAME_MISMATCH), i.objectErrors());
        assertEquals(List.of(1), i.badOsds());
    }

    @Test
    void clonesAreComparedOnTheirOwnAndADifferentSnapSetIsNamed() {
        ScrubObject head = obj("a", 10, 1).toBuilder().putAttrDigests("ss", 40).build();
        ScrubObject clone = obj("a", 8, 2).toBuilder().setSnap(4).build();
        ScrubObject otherSnapSet = head.toBuilder().putAttrDigests("ss", 41).build();
        var maps = Map.of(3, List.of(clone, head), 1, List.of(head), 2, List.of(clone, otherSnapSet));
        List<ObjectInconsistency> found = ScrubCompare.compare(ACTING, maps, true);
        assertEquals(2, found.size(), "the head and its clone, each once: " + found);
        ObjectInconsistency h = found.stream().filter(i -> i.snap() == -2).findFirst().orElseThrow();
        assertEquals(Set.of(ShardError.SNAPSET_INCONSISTENCY), h.objectErrors());
        assertEquals(List.of(2), h.badOsds());
        ObjectInconsistency c = found.stream().filter(i -> i.snap() == 4).findFirst().orElseThrow();
        assertEquals(Set.of(ShardError.MISSING), c.unionShardErrors(), "osd.1 lacks the clone");
        assertEquals(List.of(1), c.badOsds());
    }

    @Test
    void aMissingCopyIsRepairedFromTheOthers() {
        var maps = Map.of(3, List.of(obj("a", 10, 1)), 1, List.<ScrubObject>of(), 2, List.of(obj("a", 10, 1)));
        ObjectInconsistency i = ScrubCompare.compare(ACTING, maps, false).get(0);
        assertEquals(List.of(1), i.badOsds());
        assertEquals(Set.of(ShardError.MISSING), i.unionShardErrors());
        assertEquals(Set.of(), i.objectErrors());
        assertTrue(i.repairable());
    }

    @Test
    void anUnreadableCopyIsNeverAuthoritative() {
        ScrubObject unreadable = obj("a", 10, 0).toBuilder().setReadError("checksum mismatch").build();
        // a two-way split where the primary's copy fails its own checksums: the replica's copy wins
        var maps = Map.of(3, List.of(unreadable), 1, List.of(obj("a", 10, 1)));
        ObjectInconsistency i = ScrubCompare.compare(List.of(3, 1), maps, true).get(0);
        assertEquals(1, i.authOsd());
        assertEquals(List.of(3), i.badOsds());
        assertEquals(Set.of(ShardError.READ_ERROR), i.unionShardErrors());
        // no readable copy at all: nothing to repair from
        maps = Map.of(3, List.of(unreadable), 1, List.of(unreadable));
        i = ScrubCompare.compare(List.of(3, 1), maps, true).get(0);
        assertEquals(-1, i.authOsd());
        assertEquals(List.of(3, 1), i.badOsds());
    }

    @Test
    void onATieThePrimaryWins() {
        var maps = Map.of(3, List.of(obj("a", 10, 1)), 1, List.of(obj("a", 10, 2)));
        ObjectInconsistency i = ScrubCompare.compare(List.of(3, 1), maps, true).get(0);
        assertEquals(3, i.authOsd());
        assertEquals(List.of(1), i.badOsds());
    }

    @Test
    void everyMemberMustHaveSentAMap() {
        assertThrows(IllegalArgumentException.class,
                () -> ScrubCompare.compare(ACTING, Map.of(3, List.of(), 1, List.of()), true));
    }
}
