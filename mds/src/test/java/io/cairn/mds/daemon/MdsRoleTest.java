package io.cairn.mds.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.MdsDaemonInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class MdsRoleTest {
    private static final long GID = 77;

    private static FsMapData map(int epoch, String state, int rank) {
        FsMapData.Builder b = FsMapData.newBuilder().setEpoch(epoch)
                .addFilesystems(Filesystem.newBuilder().setFscid(1).setName("cairnfs").setMaxMds(1));
        if (state != null) {
            b.addDaemons(MdsDaemonInfo.newBuilder().setGid(GID).setName("a").setState(state).setRank(rank)
                    .setFscid(rank < 0 ? 0 : 1).setUpEpoch(epoch));
        }
        return b.build();
    }

    @Test
    void aNewDaemonBootsThenStandsBy() {
        MdsRole role = new MdsRole(GID);
        assertEquals(MdsRole.BOOT, role.wantedState());
        assertEquals(List.of(), role.onMap(map(1, null, -1)), "not in the map yet: keep booting");
        assertTrue(role.changing());
        assertEquals(List.of(), role.onMap(map(2, MdsRole.STANDBY, -1)));
        assertEquals(MdsRole.Phase.STANDBY, role.phase());
        assertEquals(MdsRole.STANDBY, role.wantedState());
    }

    @Test
    void aGivenRankIsReplayedThenWalkedUpToActive() {
        MdsRole role = new MdsRole(GID);
        role.onMap(map(2, MdsRole.STANDBY, -1));
        List<MdsRole.Action> a = role.onMap(map(3, MdsRole.REPLAY, 0));
        MdsRole.Action.StartReplay replay = assertInstanceOf(MdsRole.Action.StartReplay.class, a.get(0));
        assertEquals(0, replay.rank());
        assertEquals("cairnfs", replay.fs().getName());
        assertEquals(MdsRole.REPLAY, role.wantedState());
        assertEquals(List.of(), role.onMap(map(3, MdsRole.REPLAY, 0)), "the same map again starts nothing");
        role.replayDone();
        assertEquals(MdsRole.RECONNECT, role.wantedState());
        assertEquals(List.of(new MdsRole.Action.StartReconnect()), role.onMap(map(4, MdsRole.RECONNECT, 0)));
        assertEquals(MdsRole.RECONNECT, role.wantedState(), "stays in reconnect while clients come back");
        assertEquals(List.of(), role.onMap(map(4, MdsRole.RECONNECT, 0)));
        role.reconnectDone();
        assertEquals(MdsRole.REJOIN, role.wantedState());
        role.onMap(map(5, MdsRole.REJOIN, 0));
        assertEquals(MdsRole.ACTIVE, role.wantedState());
        assertEquals(List.of(new MdsRole.Action.BecomeActive()), role.onMap(map(6, MdsRole.ACTIVE, 0)));
        assertEquals(MdsRole.Phase.ACTIVE, role.phase());
        assertEquals(List.of(), role.onMap(map(7, MdsRole.ACTIVE, 0)));
    }

    @Test
    void aRankHolderTheMapNoLongerListsRespawns() {
        MdsRole role = new MdsRole(GID);
        role.onMap(map(3, MdsRole.REPLAY, 0));
        role.replayDone();
        role.onMap(map(4, MdsRole.ACTIVE, 0));
        assertEquals(MdsRole.Phase.ACTIVE, role.phase());
        assertInstanceOf(MdsRole.Action.Respawn.class, role.onMap(map(5, null, -1)).get(0));
        assertEquals(MdsRole.Phase.RESPAWN, role.phase());
        assertEquals(List.of(), role.onMap(map(6, MdsRole.ACTIVE, 0)), "a respawning role acts on nothing more");
    }

    @Test
    void aRankHolderDemotedToStandbyRespawns() {
        MdsRole role = new MdsRole(GID);
        role.onMap(map(3, MdsRole.REPLAY, 0));
        assertInstanceOf(MdsRole.Action.Respawn.class, role.onMap(map(4, MdsRole.STANDBY, -1)).get(0));
    }

    @Test
    void aRankThatCannotBeReplayedIsReportedDamagedThenTheDaemonRespawns() {
        MdsRole role = new MdsRole(GID);
        role.onMap(map(3, MdsRole.REPLAY, 0));
        role.damaged();
        assertEquals(MdsRole.DAMAGED, role.wantedState());
        assertTrue(role.changing());
        assertEquals(List.of(), role.onMap(map(3, MdsRole.REPLAY, 0)), "waits for the monitors to record it");
        FsMapData dropped = map(4, null, -1).toBuilder().addRemovedGids(GID).build();
        assertInstanceOf(MdsRole.Action.Respawn.class, role.onMap(dropped).get(0));
    }
}
