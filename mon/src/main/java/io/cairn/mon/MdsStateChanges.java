package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.MdsDaemonInfo;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the leader proposes from MDS beacons, applied by every monitor alike: a new daemon joins
 * as a standby ({@code mds boot}), a rank holder moves on through recovery ({@code mds state}),
 * and after every change a standby takes each rank that should be held ({@link #assignRanks}).
 * Pure functions of (map, arguments, proposer's clock).
 */
final class MdsStateChanges {
    /** Only monitors propose these; clients get EPERM. */
    static final Set<String> INTERNAL = Set.of("mds boot", "mds state");
    /** Ranks a file system gets from standbys, whatever its max_mds: one active MDS per file system for now. */
    static final int ASSIGNED_RANKS_MAX = 1;
    private static final Pattern DAEMON_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

    private MdsStateChanges() {}

    /**
     * Ceph's boot: a new incarnation joins as a standby. An older incarnation of the same name is
     * failed first (the daemon restarted), and a gid the monitors removed never comes back.
     */
    static CommandResult boot(FsMap map, CommandArgs a, long nowMs) {
        long gid = gid(a);
        String name = a.str("name");
        if (!DAEMON_NAME.matcher(name).matches()) {
            throw CairnException.invalid("bad mds name '" + name + "' (letters, digits, _ . -; at most 64)");
        }
        if (map.wasRemoved(gid)) {
            throw new CairnException(ErrorCode.ESTALE, "mds gid " + gid + " was removed from the map; a restarted "
                    + "daemon boots with a new gid");
        }
        if (map.daemon(gid) != null) {
            return CommandResult.noop("mds." + map.daemon(gid).getName() + " gid " + gid + " is already in the map");
        }
        FsMap.Edit e = map.edit();
        MdsDaemonInfo old = e.daemonNamed(name);
        if (old != null) {
            e.removeDaemon(old.getGid());
            // the standbys that were waiting take the old incarnation's rank before the newcomer may
            assignRanks(e, nowMs);
        }
        e.putDaemon(MdsDaemonInfo.newBuilder().setGid(gid).setName(name).setAddr(a.str("addr", ""))
                .setState(MdsState.STANDBY.cephName()).setRank(-1).setStateSinceMs(nowMs).build());
        assignRanks(e, nowMs);
        return CommandResult.fsChanged(e.build(nowMs), "mds." + name + " booted as gid " + gid
                + (old == null ? "" : ", replacing gid " + old.getGid()));
    }

    /** A rank holder asks for its next state; {@code damaged} takes it out and marks its rank damaged. */
    static CommandResult setState(FsMap map, CommandArgs a, long nowMs) {
        long gid = gid(a);
        MdsState wanted = MdsState.named(a.str("state"));
        if (wanted == null || wanted == MdsState.BOOT || wanted == MdsState.STANDBY) {
            throw CairnException.invalid("'" + a.str("state") + "' is not a state an MDS may ask for");
        }
        MdsDaemonInfo d = map.daemon(gid);
        if (d == null) {
            throw CairnException.notFound("mds gid " + gid + " is not in the map");
        }
        MdsState current = MdsState.of(d);
        if (current == wanted) {
            return CommandResult.noop("mds." + d.getName() + " is already " + wanted.cephName());
        }
        if (!transitionValid(current, wanted)) {
            throw CairnException.invalid("mds." + d.getName() + ": " + current.cephName() + " -> " + wanted.cephName()
                    + " is not a valid state change");
        }
        FsMap.Edit e = map.edit();
        String message;
        if (wanted == MdsState.DAMAGED) {
            e.removeDaemonDamaged(gid);
            message = "fs " + map.filesystem(d.getFscid()).getName() + " mds." + d.getRank() + " is damaged";
        } else {
            e.putDaemon(d.toBuilder().setState(wanted.cephName()).setStateSinceMs(nowMs).build());
            message = "mds." + d.getName() + " is now " + wanted.cephName();
        }
        assignRanks(e, nowMs);
        return CommandResult.fsChanged(e.build(nowMs), message);
    }

    /**
     * Ceph's state_transition_valid, for the states Cairn uses: replay, then reconnect and rejoin
     * (or straight to active when there are no clients to hear from), then active; any rank holder
     * may report its rank damaged.
     */
    static boolean transitionValid(MdsState from, MdsState to) {
        if (from == to) {
            return true;
        }
        if (to == MdsState.DAMAGED) {
            return from.holdsRank();
        }
        return switch (from) {
            case REPLAY -> to == MdsState.RECONNECT || to == MdsState.ACTIVE;
            case RECONNECT -> to == MdsState.REJOIN;
            case REJOIN -> to == MdsState.ACTIVE;
            default -> false;
        };
    }

    /**
     * Gives every rank that should be held (below max_mds, at most {@link #ASSIGNED_RANKS_MAX};
     * the file system joinable; the rank not damaged) to the first standby in name order, which
     * starts in up:replay with up_epoch the epoch being built. Then settles an unset
     * standby_count_wanted at 1 once the file system has an active MDS and a standby exists
     * (Ceph's MDSMap::check_health).
     */
    static void assignRanks(FsMap.Edit e, long nowMs) {
        for (Filesystem f : List.copyOf(e.filesystems())) {
            if (!f.getJoinable()) {
                continue;
            }
            int ranks = Math.min(f.getMaxMds(), ASSIGNED_RANKS_MAX);
            for (int rank = 0; rank < ranks; rank++) {
                Filesystem now = e.filesystem(f.getFscid());
                if (now.containsUp(rank) || now.getDamagedList().contains(rank)) {
                    continue;
                }
                List<MdsDaemonInfo> standbys = e.standbys();
                if (standbys.isEmpty()) {
                    return;
                }
                e.assign(standbys.get(0).getGid(), f.getFscid(), rank, nowMs);
            }
        }
        boolean standbyLeft = !e.standbys().isEmpty();
        for (Filesystem f : List.copyOf(e.filesystems())) {
            boolean active = e.holders(f.getFscid()).stream().anyMatch(d -> MdsState.of(d) == MdsState.ACTIVE);
            if (f.getStandbyCountWantedUnset() && active && standbyLeft) {
                e.putFilesystem(f.toBuilder().setStandbyCountWanted(1).setStandbyCountWantedUnset(false).build());
            }
        }
    }

    private static long gid(CommandArgs a) {
        String v = a.str("gid");
        try {
            long gid = Long.parseLong(v.strip());
            if (gid <= 0) {
                throw new NumberFormatException();
            }
            return gid;
        } catch (NumberFormatException ex) {
            throw CairnException.invalid("'" + v + "' is not an mds gid (1.." + Long.MAX_VALUE + ")");
        }
    }
}
