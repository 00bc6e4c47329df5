package io.cairn.mon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonMembershipTest {
    private static final int OFFSET = 1000;
    private static final MonMap THREE = new MonMap(7, List.of(MonMap.member("a", 0, "10.0.0.1:6789", OFFSET),
            MonMap.member("b", 1, "10.0.0.2:6789", OFFSET), MonMap.member("c", 2, "10.0.0.3:6789", OFFSET)));

    private static List<String> names(MonMembership.Plan p) {
        return p.next().stream().map(MonMap.Member::name).toList();
    }

    @Test
    void addAppendsTheNewMonitorWithItsRaftPort() {
        MonMembership.Plan p = MonMembership.add(THREE, "d", "10.0.0.4:6789", OFFSET);
        assertEquals(List.of("a", "b", "c", "d"), names(p));
        MonMap.Member d = p.next().get(3);
        assertEquals("10.0.0.4:7789", d.raftAddr());
        assertEquals("added mon.d at 10.0.0.4:6789", p.message());
    }

    @Test
    void addingTheSameMonitorAgainChangesNothing() {
        MonMembership.Plan p = MonMembership.add(THREE, "c", "10.0.0.3:6789", OFFSET);
        assertTrue(p.noop());
    }

    @Test
    void addRefusesATakenNameOrAddressAndBadInput() {
        CairnException name = assertThrows(CairnException.class, () -> MonMembership.add(THREE, "c", "10.0.0.9:6789", OFFSET));
        assertEquals(ErrorCode.EEXIST, name.code());
        CairnException addr = assertThrows(CairnException.class, () -> MonMembership.add(THREE, "d", "10.0.0.2:6789", OFFSET));
        assertEquals(ErrorCode.EEXIST, addr.code());
        // d's Raft port would be b's public port... on b's host
        CairnException raft = assertThrows(CairnException.class, () -> MonMembership.add(THREE, "d", "10.0.0.2:5789", OFFSET));
        assertEquals(ErrorCode.EEXIST, raft.code());
        assertThrows(IllegalArgumentException.class, () -> MonMembership.add(THREE, "D!", "10.0.0.4:6789", OFFSET));
        assertThrows(IllegalArgumentException.class, () -> MonMembership.add(THREE, "d", "10.0.0.4", OFFSET));
        assertThrows(IllegalArgumentException.class, () -> MonMembership.add(THREE, "d", "10.0.0.4:65000", OFFSET));
    }

    @Test
    void removeKeepsTheOthersInOrder() {
        MonMembership.Plan p = MonMembership.remove(THREE, List.of("a", "b", "c"), "b");
        assertEquals(List.of("a", "c"), names(p));
        assertEquals("removed mon.b at 10.0.0.2:6789", p.message());
    }

    @Test
    void removingADeadMonitorIsAllowedWhileTheRestHaveAMajority() {
        // c is dead: a and b are 2 of the 2 left
        assertEquals(List.of("a", "b"), names(MonMembership.remove(THREE, List.of("a", "b"), "c")));
    }

    @Test
    void removeRefusesToLeaveNoQuorum() {
        // b is dead: removing a leaves {b, c} with only c alive, 1 of 2 is no majority
        CairnException e = assertThrows(CairnException.class, () -> MonMembership.remove(THREE, List.of("a", "c"), "a"));
        assertEquals(ErrorCode.EBUSY, e.code());
        MonMap one = new MonMap(3, List.of(MonMap.member("a", 0, "10.0.0.1:6789", OFFSET)));
        assertEquals(ErrorCode.EINVAL, assertThrows(CairnException.class,
                () -> MonMembership.remove(one, List.of("a"), "a")).code());
    }

    @Test
    void removingAMissingMonitorChangesNothing() {
        assertTrue(MonMembership.remove(THREE, List.of("a", "b", "c"), "z").noop());
    }

    @Test
    void theMapFromRaftPeersRanksByNameAndRecoversPublicPorts() {
        MonMap m = MonMap.fromPeers(List.of(MonMap.member("d", 0, "10.0.0.4:6789", OFFSET).peer(),
                MonMap.member("a", 0, "10.0.0.1:6800", OFFSET).peer()), 12, OFFSET);
        assertEquals(12, m.epoch());
        assertEquals("a", m.members().get(0).name());
        assertEquals(0, m.members().get(0).rank());
        assertEquals("10.0.0.1:6800", m.members().get(0).publicAddr());
        assertEquals(1, m.member("d").rank());
    }
}
