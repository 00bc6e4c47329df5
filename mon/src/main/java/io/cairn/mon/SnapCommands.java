package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.osdmap.PoolSnap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pool snapshots as pure functions of (map, args, time), with Ceph's rules: snap ids come from the
 * pool's snap_seq and never repeat; a pool uses pool snaps or self-managed snaps, never both; a
 * removed snap joins the pool's queue of snaps to trim and moves snap_seq on.
 */
final class SnapCommands {
    static final Set<String> PREFIXES = Set.of("osd pool mksnap", "osd pool rmsnap", "osd pool selfmanaged-snap create",
            "osd pool selfmanaged-snap rm");
    private static final Pattern SNAP_NAME = Pattern.compile("[^/\\s\\x00-\\x1f]{1,255}");

    private SnapCommands() {}

    static CommandResult apply(OsdMap map, String prefix, CommandArgs a, long nowMs) {
        Pool p = WriteCommands.requirePool(map, a.str("pool"));
        return switch (prefix) {
            case "osd pool mksnap" -> mksnap(map, p, a.str("snap"), nowMs);
            case "osd pool rmsnap" -> rmsnap(map, p, a.str("snap"), nowMs);
            case "osd pool selfmanaged-snap create" -> selfManagedCreate(map, p, nowMs);
            case "osd pool selfmanaged-snap rm" -> selfManagedRemove(map, p, a.integer("snapid"), nowMs);
            default -> throw CairnException.invalid("unknown snap command '" + prefix + "'");
        };
    }

    private static CommandResult mksnap(OsdMap map, Pool p, String name, long nowMs) {
        if (p.isSelfManagedSnapsMode()) {
            throw CairnException.invalid("pool " + p.name() + " is in unmanaged snaps mode");
        }
        if (!SNAP_NAME.matcher(name).matches()) {
            throw CairnException.invalid("bad snap name '" + name + "'");
        }
        if (p.snap(name) != null) {
            return CommandResult.noop("pool " + p.name() + " snap " + name + " already exists");
        }
        Pool next = p.withPoolSnap(name, nowMs);
        return CommandResult.changed(map.toBuilder().putPool(next).build(nowMs),
                "created pool " + p.name() + " snap " + name, Map.of("snapid", next.snapSeq()), "");
    }

    private static CommandResult rmsnap(OsdMap map, Pool p, String name, long nowMs) {
        PoolSnap s = p.snap(name);
        if (s == null) {
            return CommandResult.noop("pool " + p.name() + " snap " + name + " does not exist");
        }
        return CommandResult.changed(map.toBuilder().putPool(p.withSnapRemoved(s.id())).build(nowMs),
                "removed pool " + p.name() + " snap " + name);
    }

    private static CommandResult selfManagedCreate(OsdMap map, Pool p, long nowMs) {
        if (p.isPoolSnapsMode()) {
            throw CairnException.invalid("pool " + p.name() + " is in pool snaps mode");
        }
        Pool next = p.withSelfManagedSnap();
        return CommandResult.changed(map.toBuilder().putPool(next).build(nowMs), "created snap " + next.snapSeq(),
                Map.of("snapid", next.snapSeq()), next.snapSeq() + "\n");
    }

    /** As Ceph's: an id never handed out is ENOENT; one already removed is no error. */
    private static CommandResult selfManagedRemove(OsdMap map, Pool p, long snapId, long nowMs) {
        if (p.isPoolSnapsMode()) {
            throw CairnException.invalid("pool " + p.name() + " is in pool snaps mode");
        }
        if (snapId < 2 || snapId > p.snapSeq()) {
            throw new CairnException(ErrorCode.ENOENT, "snap " + snapId + " was never made in pool " + p.name());
        }
        if (p.removedSnapsQueue().contains(snapId)) {
            return CommandResult.noop("snap " + snapId + " is already removed");
        }
        return CommandResult.changed(map.toBuilder().putPool(p.withSnapRemoved(snapId)).build(nowMs),
                "removed snap " + snapId);
    }
}
