package io.cairn.mon;

/**
 * An MDS daemon's state, with Ceph's names and Ceph's state numbers (which order the counts of
 * {@code mds stat}). A failed or damaged rank has no daemon: {@code down:failed} and
 * {@code damaged} are rank states the views print, and {@link #DAMAGED} is only ever wanted by a
 * rank holder that found its rank's metadata damaged.
 */
enum MdsState {
    STANDBY("up:standby", -5),
    BOOT("up:boot", -4),
    REPLAY("up:replay", 8),
    RECONNECT("up:reconnect", 10),
    REJOIN("up:rejoin", 11),
    ACTIVE("up:active", 13),
    DAMAGED("damaged", 15);

    /** How the views name a rank whose holder failed. */
    static final String FAILED_RANK = "down:failed";

    private final String cephName;
    private final int code;

    MdsState(String cephName, int code) {
        this.cephName = cephName;
        this.code = code;
    }

    String cephName() {
        return cephName;
    }

    /** Ceph's number for the state. */
    int code() {
        return code;
    }

    /** The name without "up:", as {@code fs status} prints it. */
    String shortName() {
        return cephName.substring(cephName.indexOf(':') + 1);
    }

    /** A daemon in this state holds a rank. */
    boolean holdsRank() {
        return this == REPLAY || this == RECONNECT || this == REJOIN || this == ACTIVE;
    }

    /** A rank held in this state is still recovering: the file system is degraded (Ceph's is_degraded). */
    boolean recovering() {
        return this == REPLAY || this == RECONNECT || this == REJOIN;
    }

    /** The state with Ceph's name, or null. */
    static MdsState named(String cephName) {
        for (MdsState s : values()) {
            if (s.cephName.equals(cephName)) {
                return s;
            }
        }
        return null;
    }

    /** Like {@link #named}, for a daemon's own entry, whose state the monitors always wrote. */
    static MdsState of(io.cairn.proto.v1.MdsDaemonInfo info) {
        MdsState s = named(info.getState());
        io.cairn.common.Invariants.check(s != null && s != BOOT && s != DAMAGED, "mds gid %d in state '%s'",
                info.getGid(), info.getState());
        return s;
    }
}
