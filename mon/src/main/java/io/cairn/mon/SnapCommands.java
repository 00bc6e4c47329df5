package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.Pool;
import io.cairn.common.osdmap.PoolSnap;
import io.cairn.common.osdmap.SnapIntervals;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pool snapshots as pure functions of (map, args, time), with Ceph's rules: snap ids come from the
 * pool's snap_seq and never repeat; a pool uses pool snaps or self-managed snaps, never both; a
 * removed snap joins the pool's queue of snaps to trim and moves snap_seq on; once every PG has
 * trimmed it, the leader moves it on to the pool's purged snaps.
 */
final class SnapCommands {
    static final Set<String> PREFIXES = Set.of("osd pool mksnap", "osd pool rmsnap", "osd pool selfmanaged-snap create",
            "osd pool selfmanaged-snap rm", "osd pool snaps-purged");
    private static final Pattern SNAP_NAME = Pattern.compile("[^/\\s\\x00-\\x1f]{1,255}");

    private SnapCommands() {}

    static CommandResult apply(OsdMap map, String prefix, CommandArgs a, long nowMs) {
        Pool p = WriteCommands.requirePool(map, a.str("pool"));
        return switch (prefix) {
            case "osd pool mksnap" -> mksnap(map, p, a.str("snap"), nowMs);
            case "osd pool rmsnap" -> rmsnap(map, p, a.str("snap"), nowMs);
            case "osd pool selfmanaged-snap create" -> selfManagedCreate(map, p, nowMs);
            case "osd pool selfmanaged-snap rm" -> selfManagedRemove(map, p, a.integer("snapid"), nowMs);
            case "osd pool snaps-purged" -> purged(map, p, parseIntervals(a.str("snaps")), nowMs);
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
        if (p.isSnapRemoved(snapId)) {
            return CommandResult.noop("snap " + snapId + " is already removed");
        }
        return CommandResult.changed(map.toBuilder().putPool(p.withSnapRemoved(snapId)).build(nowMs),
                "removed snap " + snapId);
    }

    /**
     * The leader's record that every PG of the pool trimmed {@code done}: they leave the removed
     * queue for the purged snaps. Snaps no longer queued are ignored (a repeated proposal).
     */
    private static CommandResult purged(OsdMap map, Pool p, SnapIntervals done, long nowMs) {
        SnapIntervals moving = done.intersect(p.removedSnapsQueue());
        if (moving.isEmpty()) {
            return CommandResult.noop("pool " + p.name() + ": nothing of " + done + " is queued");
        }
        return CommandResult.changed(map.toBuilder().putPool(p.withSnapsPurged(moving)).build(nowMs),
                "pool " + p.name() + " purged snaps " + moving);
    }

    /** Ceph's interval form, {@code [2~3,9~1]} (brackets optional). */
    static SnapIntervals parseIntervals(String text) {
        String body = text.trim();
        if (body.startsWith("[") && body.endsWith("]")) {
            body = body.substring(1, body.length() - 1);
        }
        SnapIntervals out = SnapIntervals.EMPTY;
        for (String run : body.split(",")) {
            if (run.isBlank()) {
                continue;
            }
            String[] parts = run.trim().split("~");
            try {
                out = out.withRange(Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1]) : 1);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw CairnException.invalid("bad snap interval '" + run + "' in " + text);
            }
        }
        return out;
    }
}
