package io.cairn.osd.scrub;

import io.cairn.objectstore.ObjectId;
import io.cairn.osd.snap.SnapSetCodec;
import io.cairn.proto.v1.ScrubObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares the members' summaries of one scrub chunk (pure: the scrubber gathers the maps and
 * acts on the result). The authoritative copy of an object is one the store could read and that
 * the most members agree with, the earliest in the acting set on a tie, so the primary wins a
 * two-way split; a copy the store could not read is never chosen, whatever the others say.
 */
public final class ScrubCompare {
    private ScrubCompare() {}

    /** What two copies must share to agree: shallow compares metadata, deep also the digests. */
    private record Signature(long size, Map<String, Integer> attrs, int omapHeader, int dataDigest, int omapDigest) { }

    /**
     * @param acting the PG's acting set, primary first
     * @param maps each member's objects in the chunk (every member in {@code acting} must be present)
     */
    public static List<ObjectInconsistency> compare(List<Integer> acting, Map<Integer, List<ScrubObject>> maps,
                                                    boolean deep) {
        if (acting.isEmpty() || !maps.keySet().containsAll(acting)) {
            throw new IllegalArgumentException("scrub maps " + maps.keySet() + " do not cover acting " + acting);
        }
        // every object (head or clone) any member holds, in a stable order (namespace, name, snap)
        Map<List<String>, Map<Integer, ScrubObject>> byObject = new TreeMap<>((a, b) -> {
            int c = a.get(0).compareTo(b.get(0));
            c = c != 0 ? c : a.get(1).compareTo(b.get(1));
            return c != 0 ? c : Long.compareUnsigned(Long.parseUnsignedLong(a.get(2)), Long.parseUnsignedLong(b.get(2)));
        });
        for (int osd : acting) {
            for (ScrubObject o : maps.get(osd)) {
                byObject.computeIfAbsent(List.of(o.getNspace(), o.getName(), Long.toUnsignedString(o.getSnap())),
                        k -> new LinkedHashMap<>()).put(osd, o);
            }
        }
        List<ObjectInconsistency> out = new ArrayList<>();
        byObject.forEach((id, copies) -> judge(acting, copies, deep).ifPresent(out::add));
        return out;
    }

    private static Optional<ObjectInconsistency> judge(List<Integer> acting, Map<Integer, ScrubObject> copies,
                                                       boolean deep) {
        Map<Signature, List<Integer>> groups = new LinkedHashMap<>();
        for (int osd : acting) {
            ScrubObject o = copies.get(osd);
            if (o != null && o.getReadError().isEmpty()) {
                groups.computeIfAbsent(signature(o, deep), k -> new ArrayList<>()).add(osd);
            }
        }
        Signature auth = null;
        int authOsd = -1;
        for (Map.Entry<Signature, List<Integer>> g : groups.entrySet()) {
            // groups are in acting order of their first member: a strictly larger group wins
            if (auth == null || g.getValue().size() > groups.get(auth).size()) {
                auth = g.getKey();
                authOsd = g.getValue().get(0);
            }
        }
        List<ShardResult> shards = new ArrayList<>();
        boolean anyBad = false;
        for (int osd : acting) {
            ScrubObject o = copies.get(osd);
            Set<ShardError> errors = EnumSet.noneOf(ShardError.class);
            if (o == null) {
                errors.add(ShardError.MISSING);
            } else if (!o.getReadError().isEmpty()) {
                errors.add(ShardError.READ_ERROR);
            } else if (auth != null) {
                differences(signature(o, deep), auth, errors);
            }
            anyBad |= !errors.isEmpty();
            shards.add(new ShardResult(osd, osd == acting.get(0), Optional.ofNullable(o), errors));
        }
        if (!anyBad) {
            return Optional.empty();
        }
        ScrubObject any = copies.values().iterator().next();
        String key = authOsd >= 0 ? copies.get(authOsd).getKey() : any.getKey();
        return Optional.of(new ObjectInconsistency(any.getNspace(), any.getName(), key,
                any.getSnap() == 0 ? ObjectId.HEAD : any.getSnap(), authOsd, shards));
    }

    private static Signature signature(ScrubObject o, boolean deep) {
        return new Signature(o.getSize(), new TreeMap<>(o.getAttrDigestsMap()), o.getOmapHeaderDigest(),
                deep ? o.getDataDigest() : 0, deep ? o.getOmapDigest() : 0);
    }

    private static void differences(Signature mine, Signature auth, Set<ShardError> errors) {
        if (mine.size() != auth.size()) {
            errors.add(ShardError.SIZE_MISMATCH);
        }
        if (mine.dataDigest() != auth.dataDigest()) {
            errors.add(ShardError.DATA_DIGEST_MISMATCH);
        }
        if (mine.omapDigest() != auth.omapDigest() || mine.omapHeader() != auth.omapHeader()) {
            errors.add(ShardError.OMAP_DIGEST_MISMATCH);
        }
        // a SnapSet that differs is named as such, not as just another attr
        Map<String, Integer> myAttrs = new TreeMap<>(mine.attrs());
        Map<String, Integer> authAttrs = new TreeMap<>(auth.attrs());
        if (!Objects.equals(myAttrs.remove(SnapSetCodec.ATTR), authAttrs.remove(SnapSetCodec.ATTR))) {
            errors.add(ShardError.SNAPSET_INCONSISTENCY);
        }
        if (!myAttrs.keySet().equals(authAttrs.keySet())) {
            errors.add(ShardError.ATTR_NAME_MISMATCH);
        } else {
            for (var e : myAttrs.entrySet()) {
                if (!Objects.equals(e.getValue(), authAttrs.get(e.getKey()))) {
                    errors.add(ShardError.ATTR_VALUE_MISMATCH);
                }
            }
        }
    }
}
