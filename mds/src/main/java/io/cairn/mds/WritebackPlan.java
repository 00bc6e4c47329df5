package io.cairn.mds;

import io.cairn.proto.v1.InodeData;
import io.cairn.proto.v1.MdsInoTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One writeback round, taken from the cache on the rank's thread: the changed keys of the
 * directories the oldest segments touched, the directories they removed, the tables that
 * changed, and the backtraces those segments asked for; then where the journal may be expired to.
 */
record WritebackPlan(int segments, long expireTo, List<Namespace.DirWrite> dirs, Set<Long> removedDirs,
        InodeData root, long nextIno, Map<String, byte[]> sessions, Map<String, byte[]> purges,
        List<BacktraceWrite> backtraces) {

    /** A backtrace to set on a file's first data object. */
    record BacktraceWrite(long ino, byte[] value) { }

    /** One write to the metadata pool. */
    sealed interface MetaWrite {
        String oid();
    }

    record OmapWrite(String oid, Map<String, byte[]> set, Set<String> remove) implements MetaWrite { }

    record FullWrite(String oid, byte[] data) implements MetaWrite { }

    record RemoveObject(String oid) implements MetaWrite { }

    /** The metadata pool writes this round makes, one per object. */
    List<MetaWrite> metaWrites(int rank) {
        List<MetaWrite> out = new ArrayList<>();
        for (Namespace.DirWrite d : dirs) {
            out.add(new OmapWrite(MdsObjects.dir(d.ino()), d.set(), d.removed()));
        }
        for (long ino : removedDirs) {
            out.add(new RemoveObject(MdsObjects.dir(ino)));
        }
        if (root != null) {
            out.add(new FullWrite(MdsObjects.rootInode(), root.toByteArray()));
        }
        if (nextIno >= 0) {
            out.add(new FullWrite(MdsObjects.inoTable(rank), MdsInoTable.newBuilder().setNextIno(nextIno).build()
                    .toByteArray()));
        }
        if (!sessions.isEmpty()) {
            out.add(omapOf(MdsObjects.sessionMap(rank), sessions));
        }
        if (!purges.isEmpty()) {
            out.add(omapOf(MdsObjects.purgeQueue(rank), purges));
        }
        return out;
    }

    /** Values to set, and keys whose value is null to remove. */
    private static OmapWrite omapOf(String oid, Map<String, byte[]> changes) {
        Map<String, byte[]> set = new TreeMap<>();
        Set<String> remove = new TreeSet<>();
        changes.forEach((k, v) -> {
            if (v == null) {
                remove.add(k);
            } else {
                set.put(k, v);
            }
        });
        return new OmapWrite(oid, set, remove);
    }

    boolean isEmpty() {
        return segments == 0 && dirs.isEmpty() && removedDirs.isEmpty() && root == null && nextIno < 0
                && sessions.isEmpty() && purges.isEmpty() && backtraces.isEmpty();
    }
}
