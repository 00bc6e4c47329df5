package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.proto.v1.CommandRequest;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.MdsDaemonInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The commands that change the FsMap, with Ceph's rules and messages: pure functions of (FsMap,
 * OSDMap, arguments, proposer's clock), applied by every monitor in log order. The pools a file
 * system uses stay ordinary pools; while one uses a pool, {@code osd pool rm} of it is refused.
 */
final class FsCommands {
    static final Set<String> PREFIXES = Set.of("fs new", "fs rm", "fs fail", "fs set", "mds fail", "mds repaired",
            "mds boot", "mds state");
    /** Ceph's defaults for a new file system (MDSMap). */
    static final int SESSION_TIMEOUT_S = 60;
    static final int SESSION_AUTOCLOSE_S = 300;
    private static final Pattern FS_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,100}");

    private FsCommands() {}

    static boolean isWrite(String prefix) {
        return PREFIXES.contains(prefix);
    }

    static CommandResult apply(FsMap fs, OsdMap osd, CommandRequest req, long nowMs, boolean internal) {
        try {
            if (MdsStateChanges.INTERNAL.contains(req.getPrefix()) && !internal) {
                throw new CairnException(ErrorCode.EPERM, "'" + req.getPrefix() + "' is for monitors only");
            }
            CommandArgs a = new CommandArgs(req.getArgsMap());
            return switch (req.getPrefix()) {
                case "fs new" -> fsNew(fs, osd, a, nowMs);
                case "fs rm" -> fsRemove(fs, a, nowMs);
                case "fs fail" -> fsFail(fs, a, nowMs);
                case "fs set" -> FsSettings.set(fs, a, nowMs);
                case "mds fail" -> mdsFail(fs, a, nowMs);
                case "mds repaired" -> mdsRepaired(fs, a, nowMs);
                case "mds boot" -> MdsStateChanges.boot(fs, a, nowMs);
                case "mds state" -> MdsStateChanges.setState(fs, a, nowMs);
                default -> throw CairnException.invalid("unknown command '" + req.getPrefix() + "'");
            };
        } catch (CairnException e) {
            return CommandResult.error(e);
        } catch (IllegalArgumentException e) {
            return CommandResult.error(CairnException.invalid(e.getMessage()));
        }
    }

    /** Ceph's OSDMonitor refusal: a pool a file system uses may not be deleted. Null when the command may go on. */
    static CommandResult refusePoolRemoval(FsMap fs, OsdMap osd, CommandRequest req) {
        if (!req.getPrefix().equals("osd pool rm")) {
            return null;
        }
        Pool p = osd.pool(req.getArgsOrDefault("pool", ""));
        if (p == null || fs.usingPool(p.id()) == null) {
            return null;
        }
        return CommandResult.error(new CairnException(ErrorCode.EBUSY, "pool '" + p.name() + "' is in use by CephFS"));
    }

    /** The file system named by {@code fs_name}, or Ceph's ENOENT. */
    static Filesystem require(FsMap fs, CommandArgs a) {
        String name = a.str("fs_name", "");
        if (name.isEmpty()) {
            throw CairnException.invalid("Missing filesystem name");
        }
        Filesystem f = fs.filesystem(name);
        if (f == null) {
            throw CairnException.notFound("Filesystem not found: '" + name + "'");
        }
        return f;
    }

    private static CommandResult fsNew(FsMap fs, OsdMap osd, CommandArgs a, long nowMs) {
        Pool metadata = pool(osd, a.str("metadata", ""));
        Pool data = pool(osd, a.str("data", ""));
        String name = a.str("fs_name", "");
        if (name.isEmpty()) {
            throw CairnException.invalid("Filesystem name may not be empty");
        }
        if (!FS_NAME.matcher(name).matches()) {
            throw CairnException.invalid("bad filesystem name '" + name + "' (letters, digits, _ . -; at most 100)");
        }
        Filesystem existing = fs.filesystem(name);
        if (existing != null) {
            if (existing.getMetadataPool() == metadata.id() && existing.getDataPools(0) == data.id()) {
                return CommandResult.noop("filesystem '" + name + "' already exists");
            }
            throw CairnException.invalid("filesystem already exists with name '" + name + "'");
        }
        // directory objects and file data objects are both named <ino>.<index>: one pool cannot hold both
        if (metadata.id() == data.id()) {
            throw CairnException.invalid("pool '" + data.name() + "' cannot be both the metadata and the data pool");
        }
        for (Filesystem other : fs.filesystems()) {
            if (other.getDataPoolsList().contains(data.id()) || other.getMetadataPool() == metadata.id()
                    || other.getDataPoolsList().contains(metadata.id()) || other.getMetadataPool() == data.id()) {
                throw CairnException.invalid("Filesystem '" + name + "' is already using one of the specified RADOS "
                        + "pools. This should ONLY be done in emergencies and after careful reading of the documentation.");
            }
        }
        for (Pool p : List.of(data, metadata)) {
            if (!p.snaps().isEmpty()) {
                throw new CairnException(ErrorCode.ENOTSUP, "pool(" + p.id() + ") already has mon-managed snaps; "
                        + "can't attach pool to fs");
            }
        }
        FsMap.Edit e = fs.edit();
        int fscid = e.allocateFscid();
        e.putFilesystem(Filesystem.newBuilder().setFscid(fscid).setName(name).setMetadataPool(metadata.id())
                .addDataPools(data.id()).setMaxMds(1).setSessionTimeoutS(SESSION_TIMEOUT_S)
                .setSessionAutocloseS(SESSION_AUTOCLOSE_S).setJoinable(true).setStandbyCountWantedUnset(true)
                .setCreatedMs(nowMs).build());
        MdsStateChanges.assignRanks(e, nowMs);
        return CommandResult.fsChanged(e.build(nowMs), "new fs with metadata pool " + metadata.id() + " and data pool "
                + data.id());
    }

    private static Pool pool(OsdMap osd, String name) {
        Pool p = osd.pool(name);
        if (p == null) {
            throw CairnException.notFound("pool '" + name + "' does not exist");
        }
        return p;
    }

    /** Ceph's order: a missing file system is success (deletes are idempotent), then the up check, then the flag. */
    private static CommandResult fsRemove(FsMap fs, CommandArgs a, long nowMs) {
        String name = a.str("fs_name", "");
        Filesystem f = fs.filesystem(name);
        if (f == null) {
            return CommandResult.noop("filesystem '" + name + "' does not exist");
        }
        if (f.getUpCount() > 0) {
            throw CairnException.invalid("all MDS daemons must be inactive/failed before removing filesystem. "
                    + "See `cairn fs fail`.");
        }
        if (!a.flag("yes_i_really_mean_it")) {
            throw new CairnException(ErrorCode.EPERM, "this is a DESTRUCTIVE operation and will make data in your "
                    + "filesystem permanently inaccessible.  Add --yes-i-really-mean-it if you are sure you wish to "
                    + "continue.");
        }
        FsMap.Edit e = fs.edit();
        e.removeFilesystem(f.getFscid());
        return CommandResult.fsChanged(e.build(nowMs), "");
    }

    /** Ceph's {@code fs fail}: not joinable, and every daemon holding one of its ranks is failed. */
    private static CommandResult fsFail(FsMap fs, CommandArgs a, long nowMs) {
        String name = a.str("fs_name", "");
        if (name.isEmpty()) {
            throw CairnException.invalid("Missing filesystem name");
        }
        Filesystem f = fs.filesystem(name);
        if (f == null) {
            throw CairnException.notFound("Not found: '" + name + "'");
        }
        String message = f.getName() + " marked not joinable; MDS cannot join the cluster. All MDS ranks marked failed.";
        FsMap.Edit e = fs.edit();
        e.putFilesystem(f.toBuilder().setJoinable(false).build());
        for (MdsDaemonInfo d : e.holders(f.getFscid())) {
            e.removeDaemon(d.getGid());
        }
        return e.changed() ? CommandResult.fsChanged(e.build(nowMs), message) : CommandResult.noop(message);
    }

    /**
     * Ceph's {@code mds fail ROLE_OR_GID} (a rank, FS:RANK, a gid or a daemon name), which an
     * operator uses to force a failover; the leader's beacon timeout names the exact gid instead.
     * A daemon already gone is no error.
     */
    private static CommandResult mdsFail(FsMap fs, CommandArgs a, long nowMs) {
        MdsDaemonInfo d;
        String who;
        if (a.has("gid")) {
            who = a.str("gid");
            d = fs.daemon(parseGid(who));
        } else {
            who = a.str("role_or_gid");
            d = resolve(fs, who);
        }
        if (d == null) {
            return CommandResult.noop("MDS named '" + who + "' does not exist, is not up or you lack the permission "
                    + "to see.");
        }
        FsMap.Edit e = fs.edit();
        e.removeDaemon(d.getGid());
        MdsStateChanges.assignRanks(e, nowMs);
        return CommandResult.fsChanged(e.build(nowMs), "failed mds gid " + d.getGid());
    }

    /** Ceph's {@code mds repaired ROLE}: a damaged rank becomes failed, so a standby takes it. */
    private static CommandResult mdsRepaired(FsMap fs, CommandArgs a, long nowMs) {
        Role role = parseRole(fs, a.str("role"));
        Filesystem f = fs.filesystem(role.fscid());
        if (!f.getDamagedList().contains(role.rank())) {
            return CommandResult.noop("nothing to do: rank is not damaged");
        }
        List<Integer> damaged = new ArrayList<>(f.getDamagedList());
        damaged.remove(Integer.valueOf(role.rank()));
        FsMap.Edit e = fs.edit();
        e.putFilesystem(f.toBuilder().clearDamaged().addAllDamaged(damaged).addFailed(role.rank()).build());
        MdsStateChanges.assignRanks(e, nowMs);
        return CommandResult.fsChanged(e.build(nowMs), "repaired: restoring rank " + f.getName() + ":" + role.rank());
    }

    record Role(int fscid, int rank) { }

    /**
     * Ceph's role syntax: FS:RANK, or RANK of the first file system (Ceph's legacy default); the
     * file system may be named by its name or fscid.
     */
    static Role parseRole(FsMap fs, String text) {
        int colon = text.indexOf(':');
        Filesystem f;
        if (colon < 0) {
            f = fs.filesystems().stream().findFirst().orElse(null);
            if (f == null) {
                throw CairnException.notFound("No filesystem selected");
            }
        } else {
            String which = text.substring(0, colon);
            f = fs.filesystem(which);
            if (f == null && which.matches("\\d{1,9}")) {
                f = fs.filesystem(Integer.parseInt(which));
            }
            if (f == null) {
                throw CairnException.notFound("Invalid filesystem");
            }
        }
        String rank = text.substring(colon + 1);
        if (!rank.matches("\\d{1,9}")) {
            throw CairnException.invalid("Invalid rank '" + rank + "'");
        }
        return new Role(f.getFscid(), Integer.parseInt(rank));
    }

    /** Ceph's gid_from_arg: an up role first, then a gid, then a daemon name; null if none. */
    private static MdsDaemonInfo resolve(FsMap fs, String who) {
        try {
            Role r = parseRole(fs, who);
            Long gid = fs.filesystem(r.fscid()).getUpMap().get(r.rank());
            if (gid != null) {
                return fs.daemon(gid);
            }
        } catch (CairnException e) {
            // not a role: try the other forms
        }
        if (who.matches("\\d{1,19}")) {
            try {
                MdsDaemonInfo d = fs.daemon(Long.parseLong(who));
                if (d != null) {
                    return d;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return fs.daemonNamed(who);
    }

    private static long parseGid(String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw CairnException.invalid("'" + v + "' is not an mds gid");
        }
    }
}
