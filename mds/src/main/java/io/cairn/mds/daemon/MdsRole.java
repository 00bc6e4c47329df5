package io.cairn.mds.daemon;

import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.FsMapData;
import io.cairn.proto.v1.MdsDaemonInfo;
import java.util.List;

/**
 * One MDS daemon's view of its place in the FsMap, as a pure state machine: each FsMap the
 * monitors send back (with every beacon) and the end of journal replay go in, what the daemon must
 * do comes out, and {@link #wantedState} is what its next beacon asks for. A daemon the map no
 * longer knows, or one that held a rank and is now listed as a standby, was failed by the
 * monitors: it must drop what it holds and come back as a new daemon (a new gid), never serve on.
 */
final class MdsRole {
    static final String BOOT = "up:boot";
    static final String STANDBY = "up:standby";
    static final String REPLAY = "up:replay";
    static final String RECONNECT = "up:reconnect";
    static final String REJOIN = "up:rejoin";
    static final String ACTIVE = "up:active";
    static final String DAMAGED = "damaged";

    enum Phase { BOOTING, STANDBY, REPLAYING, REPLAYED, RECONNECTING, RECONNECTED, REJOIN, ACTIVE, DAMAGED, RESPAWN }

    sealed interface Action {
        /** Take the rank over: fence the old holder's journal, replay it, then report {@link #replayDone}. */
        record StartReplay(Filesystem fs, int rank, int upEpoch) implements Action { }

        /**
         * up:reconnect: let the previous holder's clients come back (their sessions and caps), then
         * report {@link #reconnectDone}.
         */
        record StartReconnect() implements Action { }

        /** Serve clients. */
        record BecomeActive() implements Action { }

        /** Drop the rank and everything cached; come back as a new daemon. */
        record Respawn(String reason) implements Action { }
    }

    private final long gid;
    private Phase phase = Phase.BOOTING;
    private int rank = -1;

    MdsRole(long gid) {
        this.gid = gid;
    }

    Phase phase() {
        return phase;
    }

    int rank() {
        return rank;
    }

    /** The state the next beacon asks the monitors for. */
    String wantedState() {
        return switch (phase) {
            case BOOTING -> BOOT;
            case STANDBY, RESPAWN -> STANDBY;
            case REPLAYING -> REPLAY;
            case REPLAYED, RECONNECTING -> RECONNECT;
            case RECONNECTED -> REJOIN;
            case REJOIN, ACTIVE -> ACTIVE;
            case DAMAGED -> DAMAGED;
        };
    }

    /** True while the daemon waits for the monitors to record a step it asked for: beacon soon. */
    boolean changing() {
        return phase == Phase.BOOTING || phase == Phase.REPLAYED || phase == Phase.RECONNECTED || phase == Phase.REJOIN
                || phase == Phase.DAMAGED;
    }

    List<Action> onMap(FsMapData map) {
        if (phase == Phase.RESPAWN) {
            return List.of();
        }
        MdsDaemonInfo me = null;
        for (MdsDaemonInfo d : map.getDaemonsList()) {
            if (d.getGid() == gid) {
                me = d;
            }
        }
        if (me == null && map.getRemovedGidsList().contains(gid)) {
            return respawn("the monitors removed this daemon (gid " + gid + ") from the FsMap");
        }
        if (me == null) {
            return phase == Phase.BOOTING ? List.of() : respawn("the monitors removed this daemon from the FsMap (epoch "
                    + map.getEpoch() + ")");
        }
        String state = me.getState();
        if (state.equals(STANDBY)) {
            if (phase != Phase.BOOTING && phase != Phase.STANDBY) {
                return respawn("this daemon held rank " + rank + " and the FsMap now lists it as a standby");
            }
            phase = Phase.STANDBY;
            return List.of();
        }
        if (phase == Phase.BOOTING || phase == Phase.STANDBY) {
            if (!state.equals(REPLAY)) {
                return respawn("the FsMap gives a new daemon state " + state);
            }
            Filesystem fs = filesystem(map, me.getFscid());
            if (fs == null) {
                return respawn("the FsMap gives rank " + me.getRank() + " of a file system it does not hold");
            }
            phase = Phase.REPLAYING;
            rank = me.getRank();
            return List.of(new Action.StartReplay(fs, me.getRank(), me.getUpEpoch()));
        }
        if (me.getRank() != rank) {
            return respawn("the FsMap moved this daemon from rank " + rank + " to " + me.getRank());
        }
        switch (phase) {
            case REPLAYED -> {
                if (state.equals(RECONNECT)) {
                    phase = Phase.RECONNECTING;
                    return List.of(new Action.StartReconnect());
                } else if (state.equals(ACTIVE)) {
                    phase = Phase.ACTIVE;
                    return List.of(new Action.BecomeActive());
                }
            }
            case RECONNECTED -> {
                if (state.equals(REJOIN)) {
                    phase = Phase.REJOIN;
                }
            }
            case REJOIN -> {
                if (state.equals(ACTIVE)) {
                    phase = Phase.ACTIVE;
                    return List.of(new Action.BecomeActive());
                }
            }
            default -> { }
        }
        return List.of();
    }

    /** The journal is replayed: the rank may move on to reconnect. */
    void replayDone() {
        if (phase == Phase.REPLAYING) {
            phase = Phase.REPLAYED;
        }
    }

    /** Every client of the previous holder is back (or was evicted): the rank may move on to rejoin. */
    void reconnectDone() {
        if (phase == Phase.RECONNECTING) {
            phase = Phase.RECONNECTED;
        }
    }

    /**
     * Replay found the rank's journal or namespace broken: the beacons ask the monitors to mark the
     * rank damaged (no standby takes it until an operator runs {@code mds repaired}); the map that
     * drops this daemon then makes it respawn as a standby.
     */
    void damaged() {
        if (phase == Phase.REPLAYING) {
            phase = Phase.DAMAGED;
        }
    }

    private List<Action> respawn(String reason) {
        phase = Phase.RESPAWN;
        return List.of(new Action.Respawn(reason));
    }

    private static Filesystem filesystem(FsMapData map, int fscid) {
        for (Filesystem fs : map.getFilesystemsList()) {
            if (fs.getFscid() == fscid) {
                return fs;
            }
        }
        return null;
    }
}
