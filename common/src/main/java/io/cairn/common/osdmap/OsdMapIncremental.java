package io.cairn.common.osdmap;

import io.cairn.common.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The change from one epoch to the next: whole entries for the OSDs and pools that changed,
 * removed pools, a new CRUSH map if it changed, changed overrides (an empty list removes one),
 * new flags, blocklist entries added or re-timed ({@code newBlocklist}) and addresses taken off it
 * ({@code oldBlocklist}), Ceph's names. Null fields did not change. {@code apply(map N, inc N+1) == map N+1}.
 */
public record OsdMapIncremental(int epoch, String fsid, long modifiedMs, Integer newMaxOsd, List<OsdInfo> newOsds,
                                List<Pool> newPools, List<Long> removedPools, Long newPoolMax, String newCrushText,
                                SortedMap<PgId, List<Integer>> newPgTemp,
                                SortedMap<PgId, List<OsdMap.UpmapPair>> newUpmapItems, Long newFlags,
                                SortedMap<String, Long> newBlocklist, List<String> oldBlocklist) {
    public OsdMapIncremental {
        newOsds = List.copyOf(newOsds);
        newPools = List.copyOf(newPools);
        removedPools = List.copyOf(removedPools);
        newPgTemp = new TreeMap<>(newPgTemp);
        newUpmapItems = new TreeMap<>(newUpmapItems);
        newBlocklist = new TreeMap<>(newBlocklist);
        oldBlocklist = List.copyOf(oldBlocklist);
        for (String addr : oldBlocklist) {
            Invariants.check(!newBlocklist.containsKey(addr), "blocklist entry %s both added and removed", addr);
        }
    }

    /** The incremental that turns {@code from} into {@code to} (consecutive epochs). */
    public static OsdMapIncremental between(OsdMap from, OsdMap to) {
        Invariants.check(to.epoch() == from.epoch() + 1, "epochs %d -> %d are not consecutive", from.epoch(), to.epoch());
        Invariants.check(from.fsid().equals(to.fsid()), "maps of different clusters");
        List<OsdInfo> osds = new ArrayList<>();
        for (OsdInfo o : to.osds().values()) {
            if (!o.equals(from.osd(o.id()))) {
                osds.add(o);
            }
        }
        Invariants.check(to.osds().keySet().containsAll(from.osds().keySet()), "OSD slots are never dropped");
        List<Pool> pools = new ArrayList<>();
        for (Pool p : to.pools().values()) {
            if (!p.equals(from.pool(p.id()))) {
                pools.add(p);
            }
        }
        List<Long> removed = new ArrayList<>();
        for (long id : from.pools().keySet()) {
            if (to.pool(id) == null) {
                removed.add(id);
            }
        }
        SortedMap<String, Long> blocked = new TreeMap<>();
        to.blocklist().forEach((addr, until) -> {
            if (!until.equals(from.blocklist().get(addr))) {
                blocked.put(addr, until);
            }
        });
        List<String> unblocked = from.blocklist().keySet().stream().filter(a -> !to.blocklist().containsKey(a)).toList();
        return new OsdMapIncremental(to.epoch(), to.fsid(), to.modifiedMs(),
                to.maxOsd() != from.maxOsd() ? to.maxOsd() : null, osds, pools, removed,
                to.poolMax() != from.poolMax() ? to.poolMax() : null,
                to.crushText().equals(from.crushText()) ? null : to.crushText(),
                changed(from.pgTemp(), to.pgTemp()), changed(from.upmapItems(), to.upmapItems()),
                to.flags() != from.flags() ? to.flags() : null, blocked, unblocked);
    }

    private static <V> SortedMap<PgId, List<V>> changed(Map<PgId, List<V>> from, Map<PgId, List<V>> to) {
        SortedMap<PgId, List<V>> out = new TreeMap<>();
        to.forEach((pg, l) -> {
            if (!Objects.equals(from.get(pg), l)) {
                out.put(pg, l);
            }
        });
        from.keySet().forEach(pg -> {
            if (!to.containsKey(pg)) {
                out.put(pg, List.of());
            }
        });
        return out;
    }
}
