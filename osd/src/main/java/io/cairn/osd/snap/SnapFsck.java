package io.cairn.osd.snap;

import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.OmapPage;
import io.cairn.objectstore.OmapQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An offline check of an OSD's snapshots, which the store's own fsck cannot make (to the store a
 * clone is just an object at a snap id): in every PG, each clone has its head; each head's SnapSet
 * decodes, names exactly the clones stored beside it, with their sizes, each serving snaps after
 * the previous clone's id and up to its own; a whiteout head still has clones; and the PG's snap
 * index (the {@link SnapMapper}) holds exactly one entry per snap a clone serves.
 */
public final class SnapFsck {
    /** Errors listed at most; the count goes on past it. */
    public static final int ERRORS_MAX = 1000;
    private static final int PAGE = 1000;
    private static final int PAGES_MAX = 10_000_000;

    /** What the check found: objects looked at, and each problem in a line naming the PG and object. */
    public record Report(long collections, long heads, long clones, long tempObjects, long errorCount, List<String> errors) {
        public boolean clean() {
            return errorCount == 0;
        }
    }

    private final ObjectStore store;
    private final List<String> errors = new ArrayList<>();
    private long errorCount;
    private long heads;
    private long clones;
    private long temps;

    private SnapFsck(ObjectStore store) {
        this.store = store;
    }

    /** Checks every collection (each a PG's copy) of a mounted store that nothing else uses meanwhile. */
    public static Report check(ObjectStore store) {
        SnapFsck f = new SnapFsck(store);
        List<CollectionId> colls = store.listCollections();
        colls.forEach(f::checkPg);
        return new Report(colls.size(), f.heads, f.clones, f.temps, f.errorCount, List.copyOf(f.errors));
    }

    private void error(CollectionId coll, String message) {
        errorCount++;
        if (errors.size() < ERRORS_MAX) {
            errors.add(coll + ": " + message);
        }
    }

    private void checkPg(CollectionId coll) {
        Map<String, ObjectId> expectedIndex = new HashMap<>();
        List<ObjectId> group = new ArrayList<>();
        Optional<ObjectId> after = Optional.empty();
        for (int page = 0; page < PAGES_MAX; page++) {
            var lp = store.list(coll, after, PAGE);
            for (ObjectId o : lp.objects()) {
                if (o.namespace().equals(".cairn.temp")) {
                    temps++;
                }
                if (o.namespace().startsWith(".cairn")) {
                    continue;
                }
                if (!group.isEmpty() && !sameObject(group.get(0), o)) {
                    checkObject(coll, group, expectedIndex);
                    group.clear();
                }
                group.add(o);
            }
            if (lp.next().isEmpty() || lp.objects().isEmpty()) {
                break;
            }
            after = Optional.of(lp.objects().get(lp.objects().size() - 1));
        }
        if (!group.isEmpty()) {
            checkObject(coll, group, expectedIndex);
        }
        checkIndex(coll, expectedIndex);
    }

    private static boolean sameObject(ObjectId a, ObjectId b) {
        return a.hash() == b.hash() && a.namespace().equals(b.namespace()) && a.name().equals(b.name());
    }

    /** One object: its clones (which sort before the head) and its head, if it has one. */
    private void checkObject(CollectionId coll, List<ObjectId> group, Map<String, ObjectId> expectedIndex) {
        ObjectId last = group.get(group.size() - 1);
        Map<Long, ObjectId> stored = new TreeMap<>(Long::compareUnsigned);
        group.stream().filter(o -> o.snap() != ObjectId.HEAD).forEach(o -> stored.put(o.snap(), o));
        clones += stored.size();
        if (last.snap() != ObjectId.HEAD) {
            stored.values().forEach(c -> error(coll, "clone " + c + " has no head"));
            return;
        }
        heads++;
        ObjectId head = last.withSnap(ObjectId.HEAD);
        SnapSet ss;
        try {
            ss = SnapSetCodec.load(store, coll, head);
        } catch (RuntimeException e) {
            error(coll, "the SnapSet of " + head + " is unreadable: " + e.getMessage());
            return;
        }
        long previous = 0;
        for (SnapSet.Clone c : ss.clones()) {
            ObjectId clone = stored.remove(c.id());
            if (clone == null) {
                error(coll, head + ": clone " + Long.toUnsignedString(c.id()) + " in its SnapSet is missing");
            } else if (store.stat(coll, clone).sizeBytes() != c.sizeBytes()) {
                error(coll, head + ": clone " + Long.toUnsignedString(c.id()) + " is "
                        + store.stat(coll, clone).sizeBytes() + " bytes, its SnapSet says " + c.sizeBytes());
            }
            for (long snap : c.snaps()) {
                if (Long.compareUnsigned(snap, previous) <= 0 || Long.compareUnsigned(snap, c.id()) > 0) {
                    error(coll, head + ": clone " + Long.toUnsignedString(c.id()) + " serves snap "
                            + Long.toUnsignedString(snap) + ", outside (" + previous + ", " + c.id() + "]");
                }
                expectedIndex.put(SnapMapper.key(snap, head), head);
            }
            previous = c.id();
        }
        stored.values().forEach(c -> error(coll, head + ": clone " + Long.toUnsignedString(c.snap())
                + " is not in its SnapSet"));
    }

    /** The snap index against what the SnapSets say it should hold. */
    private void checkIndex(CollectionId coll, Map<String, ObjectId> expected) {
        Set<String> seen = new HashSet<>();
        if (store.exists(coll, SnapMapper.OBJECT)) {
            String start = null;
            for (int page = 0; page < PAGES_MAX; page++) {
                OmapPage p = store.omapGetValues(coll, SnapMapper.OBJECT,
                        new OmapQuery(Optional.ofNullable(start), "", PAGE));
                for (var e : p.entries().entrySet()) {
                    seen.add(e.getKey());
                    ObjectId named = expected.get(e.getKey());
                    if (named == null) {
                        error(coll, "the snap index names " + describe(e.getKey(), e.getValue())
                                + ", which no clone serves");
                    } else if (!named.equals(parseOrNull(e.getKey(), e.getValue()))) {
                        error(coll, "the snap index entry " + e.getKey() + " does not name " + named);
                    }
                }
                if (!p.more() || p.entries().isEmpty()) {
                    break;
                }
                start = p.entries().lastKey();
            }
        }
        expected.forEach((key, head) -> {
            if (!seen.contains(key)) {
                error(coll, "the snap index lacks " + head + " at snap " + snapOf(key));
            }
        });
    }

    private static ObjectId parseOrNull(String key, byte[] value) {
        try {
            return SnapMapper.parse(key, value);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String describe(String key, byte[] value) {
        ObjectId o = parseOrNull(key, value);
        return o == null ? "a malformed entry " + key : o + " at snap " + snapOf(key);
    }

    private static String snapOf(String key) {
        return Long.toUnsignedString(Long.parseUnsignedLong(key.substring(0, key.indexOf('/')), 16));
    }
}
