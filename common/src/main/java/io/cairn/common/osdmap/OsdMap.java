package io.cairn.common.osdmap;

import io.cairn.common.Invariants;
import io.cairn.crush.CrushMap;
import io.cairn.crush.CrushTextParser;
import io.cairn.crush.CrushTextWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One epoch of the OSDMap: which OSDs exist and are up and in, the pools, the CRUSH map, the
 * placement overrides and the cluster flags. Immutable; changes go through {@link Builder} and
 * travel as {@link OsdMapIncremental}s. Maps a PG to its up and acting sets.
 */
public final class OsdMap {
    private final int epoch;
    private final String fsid;
    private final long createdMs;
    private final long modifiedMs;
    private final int maxOsd;
    private final SortedMap<Integer, OsdInfo> osds;
    private final SortedMap<Long, Pool> pools;
    private final long poolMax;
    private final String crushText;
    private final CrushMap crush;
    private final SortedMap<PgId, List<Integer>> pgTemp;
    private final SortedMap<PgId, List<UpmapPair>> upmapItems;
    private final long flags;
    /** Fenced client addresses (canonical {@link EntityAddr} text) and when each fence lapses, wall-clock ms. */
    private final SortedMap<String, Long> blocklist;
    private final int[] crushWeights;
    /** PG placements computed so far (clients and OSDs ask for the same few PGs over and over). */
    private final ConcurrentHashMap<PgId, PgMapping> mappings = new ConcurrentHashMap<>();
    private static final int MAPPINGS_KEPT_MAX = 1 << 16;

    /** One pg_upmap_items substitution: use {@code to} where CRUSH chose {@code from}. */
    public record UpmapPair(int from, int to) { }

    @SuppressWarnings("checkstyle:ParameterNumber")
    OsdMap(int epoch, String fsid, long createdMs, long modifiedMs, int maxOsd, SortedMap<Integer, OsdInfo> osds,
           SortedMap<Long, Pool> pools, long poolMax, String crushText, CrushMap crush,
           SortedMap<PgId, List<Integer>> pgTemp, SortedMap<PgId, List<UpmapPair>> upmapItems, long flags,
           SortedMap<String, Long> blocklist) {
        this.epoch = epoch;
        this.fsid = fsid;
        this.createdMs = createdMs;
        this.modifiedMs = modifiedMs;
        this.maxOsd = maxOsd;
        this.osds = Collections.unmodifiableSortedMap(new TreeMap<>(osds));
        this.pools = Collections.unmodifiableSortedMap(new TreeMap<>(pools));
        this.poolMax = poolMax;
        this.crushText = crushText;
        this.crush = crush != null ? crush : CrushTextParser.parse(crushText);
        this.pgTemp = Collections.unmodifiableSortedMap(new TreeMap<>(pgTemp));
        this.upmapItems = Collections.unmodifiableSortedMap(new TreeMap<>(upmapItems));
        this.flags = flags;
        this.blocklist = Collections.unmodifiableSortedMap(new TreeMap<>(blocklist));
        int len = Math.max(maxOsd, this.crush.maxDevices());
        crushWeights = new int[len];
        for (OsdInfo o : this.osds.values()) {
            if (o.id() < len && o.in()) {
                crushWeights[o.id()] = o.weight();
            }
        }
    }

    /** The epoch-1 map of a new cluster: no OSDs, no pools, CRUSH root "default". */
    /** Applies incremental {@code epoch()+1} to this map, giving the next map. */
    public OsdMap apply(OsdMapIncremental inc) {
        if (inc.epoch() != epoch + 1) {
            throw new IllegalArgumentException("incremental " + inc.epoch() + " does not follow epoch " + epoch);
        }
        if (!inc.fsid().equals(fsid)) {
            throw new IllegalArgumentException("incremental for cluster " + inc.fsid() + " applied to " + fsid);
        }
        SortedMap<Integer, OsdInfo> o = new TreeMap<>(osds);
        inc.newOsds().forEach(n -> o.put(n.id(), n));
        SortedMap<Long, Pool> p = new TreeMap<>(pools);
        inc.newPools().forEach(n -> p.put(n.id(), n));
        inc.removedPools().forEach(p::remove);
        SortedMap<PgId, List<Integer>> t = new TreeMap<>(pgTemp);
        inc.newPgTemp().forEach((pg, l) -> {
            if (l.isEmpty()) {
                t.remove(pg);
            } else {
                t.put(pg, l);
            }
        });
        SortedMap<PgId, List<UpmapPair>> u = new TreeMap<>(upmapItems);
        inc.newUpmapItems().forEach((pg, l) -> {
            if (l.isEmpty()) {
                u.remove(pg);
            } else {
                u.put(pg, l);
            }
        });
        SortedMap<String, Long> b = new TreeMap<>(blocklist);
        b.putAll(inc.newBlocklist());
        inc.oldBlocklist().forEach(b::remove);
        String text = inc.newCrushText() != null ? inc.newCrushText() : crushText;
        return new OsdMap(inc.epoch(), fsid, createdMs, inc.modifiedMs(),
                inc.newMaxOsd() != null ? inc.newMaxOsd() : maxOsd, o, p,
                inc.newPoolMax() != null ? inc.newPoolMax() : poolMax, text,
                inc.newCrushText() != null ? null : crush, t, u, inc.newFlags() != null ? inc.newFlags() : flags, b);
    }

    public static OsdMap initial(String fsid, long nowMs, CrushMap crush) {
        return new OsdMap(1, fsid, nowMs, nowMs, 0, new TreeMap<>(), new TreeMap<>(), 0,
                CrushTextWriter.write(crush), crush, new TreeMap<>(), new TreeMap<>(), 0, new TreeMap<>());
    }

    public int epoch() {
        return epoch;
    }

    public String fsid() {
        return fsid;
    }

    public long createdMs() {
        return createdMs;
    }

    public long modifiedMs() {
        return modifiedMs;
    }

    public int maxOsd() {
        return maxOsd;
    }

    public SortedMap<Integer, OsdInfo> osds() {
        return osds;
    }

    /** The OSD with this id, or null if the slot is empty. */
    public OsdInfo osd(int id) {
        return osds.get(id);
    }

    public boolean exists(int id) {
        OsdInfo o = osds.get(id);
        return o != null && o.exists();
    }

    public boolean isUp(int id) {
        OsdInfo o = osds.get(id);
        return o != null && o.exists() && o.up();
    }

    public boolean isIn(int id) {
        OsdInfo o = osds.get(id);
        return o != null && o.in();
    }

    public SortedMap<Long, Pool> pools() {
        return pools;
    }

    public Pool pool(long id) {
        return pools.get(id);
    }

    /** The pool with this name, or null. */
    public Pool pool(String name) {
        for (Pool p : pools.values()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    public long poolMax() {
        return poolMax;
    }

    public String crushText() {
        return crushText;
    }

    public CrushMap crush() {
        return crush;
    }

    public SortedMap<PgId, List<Integer>> pgTemp() {
        return pgTemp;
    }

    public SortedMap<PgId, List<UpmapPair>> upmapItems() {
        return upmapItems;
    }

    public long flags() {
        return flags;
    }

    public boolean hasFlag(ClusterFlag f) {
        return (flags & f.bit()) != 0;
    }

    public List<ClusterFlag> flagList() {
        List<ClusterFlag> list = new ArrayList<>();
        for (ClusterFlag f : ClusterFlag.values()) {
            if (hasFlag(f)) {
                list.add(f);
            }
        }
        return list;
    }

    /** Every blocklist entry, expired ones included until the monitors remove them: address to expiry (ms). */
    public SortedMap<String, Long> blocklist() {
        return blocklist;
    }

    /**
     * Whether ops from {@code addr} are refused at {@code nowMs} (wall clock): its own entry or its
     * IP's whole-host entry ({@code ip:0/0}) lists it and has not expired. An address that does not
     * parse can only match exactly. Cheap when the blocklist is empty, as it is on every op.
     */
    public boolean isBlocklisted(String addr, long nowMs) {
        if (blocklist.isEmpty() || addr == null || addr.isEmpty()) {
            return false;
        }
        if (listedAt(addr, nowMs)) {
            return true;
        }
        return EntityAddr.tryParse(addr).map(a -> listedAt(a.wholeIp().toString(), nowMs)).orElse(false);
    }

    private boolean listedAt(String key, long nowMs) {
        Long until = blocklist.get(key);
        return until != null && nowMs < until;
    }

    public int numOsds() {
        return (int) osds.values().stream().filter(OsdInfo::exists).count();
    }

    public int numUpOsds() {
        return (int) osds.values().stream().filter(o -> o.exists() && o.up()).count();
    }

    public int numInOsds() {
        return (int) osds.values().stream().filter(OsdInfo::in).count();
    }

    /** Maps a PG as Ceph's {@code pg_to_up_acting_osds}: CRUSH, upmap, drop down OSDs, pg_temp. */
    public PgMapping mapPg(PgId pg) {
        PgMapping known = mappings.get(pg);
        if (known != null) {
            return known;
        }
        PgMapping m = computeMapping(pg);
        // the map never changes, so neither does a PG's place in it: every op on the PG asks again
        if (mappings.size() < MAPPINGS_KEPT_MAX) {
            mappings.putIfAbsent(pg, m);
        }
        return m;
    }

    private PgMapping computeMapping(PgId pg) {
        Pool pool = pools.get(pg.pool());
        if (pool == null) {
            throw new IllegalArgumentException("pool " + pg.pool() + " does not exist");
        }
        List<Integer> raw = new ArrayList<>();
        if (crush.rule(pool.crushRule()) != null) {
            int[] out = new int[pool.size()];
            int n = crush.map(pool.crushRule(), Placement.placementSeed(pool, pg.seed()), pool.size(), crushWeights, out);
            for (int i = 0; i < n; i++) {
                if (out[i] != CrushMap.ITEM_NONE && exists(out[i])) {
                    raw.add(out[i]);
                }
            }
        }
        applyUpmap(pg, raw);
        List<Integer> up = new ArrayList<>();
        for (int osd : raw) {
            if (isUp(osd)) {
                up.add(osd);
            }
        }
        int upPrimary = up.isEmpty() ? -1 : up.get(0);
        List<Integer> acting = up;
        List<Integer> temp = pgTemp.get(pg);
        if (temp != null) {
            List<Integer> live = new ArrayList<>();
            for (int osd : temp) {
                if (isUp(osd)) {
                    live.add(osd);
                }
            }
            if (!live.isEmpty()) {
                acting = live;
            }
        }
        return new PgMapping(pg, up, upPrimary, acting, acting.isEmpty() ? -1 : acting.get(0));
    }

    private void applyUpmap(PgId pg, List<Integer> raw) {
        List<UpmapPair> items = upmapItems.get(pg);
        if (items == null) {
            return;
        }
        for (UpmapPair p : items) {
            int pos = -1;
            boolean present = false;
            for (int i = 0; i < raw.size(); i++) {
                int osd = raw.get(i);
                if (osd == p.to()) {
                    present = true;
                    break;
                }
                // a target that is out (or not an OSD) makes the substitution void
                if (osd == p.from() && pos < 0 && isIn(p.to())) {
                    pos = i;
                }
            }
            if (!present && pos >= 0) {
                raw.set(pos, p.to());
            }
        }
    }

    /** Maps an object name in a pool to its PG, then the PG to OSDs. */
    public PgMapping mapObject(long poolId, String name, String namespace) {
        Pool pool = pools.get(poolId);
        if (pool == null) {
            throw new IllegalArgumentException("pool " + poolId + " does not exist");
        }
        return mapPg(Placement.objectPg(pool, name, namespace, null));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Starts the next epoch from this map: change what the command changes, then build. */
    public static final class Builder {
        private final OsdMap base;
        private final SortedMap<Integer, OsdInfo> osds;
        private final SortedMap<Long, Pool> pools;
        private final SortedMap<PgId, List<Integer>> pgTemp;
        private final SortedMap<PgId, List<UpmapPair>> upmapItems;
        private int maxOsd;
        private long poolMax;
        private String crushText;
        private CrushMap crush;
        private long flags;
        private final SortedMap<String, Long> blocklist;

        Builder(OsdMap base) {
            this.base = base;
            osds = new TreeMap<>(base.osds);
            pools = new TreeMap<>(base.pools);
            pgTemp = new TreeMap<>(base.pgTemp);
            upmapItems = new TreeMap<>(base.upmapItems);
            maxOsd = base.maxOsd;
            poolMax = base.poolMax;
            crushText = base.crushText;
            crush = base.crush;
            flags = base.flags;
            blocklist = new TreeMap<>(base.blocklist);
        }

        public OsdMap base() {
            return base;
        }

        public SortedMap<Integer, OsdInfo> osds() {
            return Collections.unmodifiableSortedMap(osds);
        }

        public Builder putOsd(OsdInfo o) {
            osds.put(o.id(), o);
            maxOsd = Math.max(maxOsd, o.id() + 1);
            return this;
        }

        /** Empties an OSD's slot (Ceph keeps the slot; the id may be reused by a new OSD). */
        public Builder removeOsd(int id) {
            osds.put(id, new OsdInfo(id, "", false, false, 0, "", 0, 0, 0, 0, "", false, false));
            return this;
        }

        public Builder putPool(Pool p) {
            pools.put(p.id(), p);
            poolMax = Math.max(poolMax, p.id());
            return this;
        }

        public Builder removePool(long id) {
            pools.remove(id);
            pgTemp.keySet().removeIf(pg -> pg.pool() == id);
            upmapItems.keySet().removeIf(pg -> pg.pool() == id);
            return this;
        }

        public Builder crush(CrushMap newCrush) {
            crush = newCrush;
            crushText = CrushTextWriter.write(newCrush);
            return this;
        }

        public CrushMap crush() {
            return crush;
        }

        public Builder setFlag(ClusterFlag f, boolean on) {
            flags = on ? flags | f.bit() : flags & ~f.bit();
            return this;
        }

        public Builder pgTemp(PgId pg, List<Integer> osdList) {
            if (osdList.isEmpty()) {
                pgTemp.remove(pg);
            } else {
                pgTemp.put(pg, List.copyOf(osdList));
            }
            return this;
        }

        public Builder upmapItems(PgId pg, List<UpmapPair> items) {
            if (items.isEmpty()) {
                upmapItems.remove(pg);
            } else {
                upmapItems.put(pg, List.copyOf(items));
            }
            return this;
        }

        /** Fences {@code addr} (canonical text, as {@link EntityAddr#toString()} writes it) until {@code untilMs}. */
        public Builder blocklistAdd(String addr, long untilMs) {
            // one key per address: a second spelling would escape an rm and a client's own check
            Invariants.check(EntityAddr.parse(addr).toString().equals(addr), "blocklist address '%s' is not canonical",
                    addr);
            Invariants.check(untilMs >= 0, "blocklist expiry %d is negative", untilMs);
            blocklist.put(addr, untilMs);
            return this;
        }

        public Builder blocklistRemove(String addr) {
            blocklist.remove(addr);
            return this;
        }

        /** The next epoch, stamped {@code nowMs}. */
        public OsdMap build(long nowMs) {
            return new OsdMap(base.epoch + 1, base.fsid, base.createdMs, nowMs, maxOsd, osds, pools, poolMax,
                    crushText, crush, pgTemp, upmapItems, flags, blocklist);
        }
    }

    /** Two maps are equal when every field is: the codec and incremental tests rely on it. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OsdMap m)) {
            return false;
        }
        return epoch == m.epoch && fsid.equals(m.fsid) && createdMs == m.createdMs && modifiedMs == m.modifiedMs
                && maxOsd == m.maxOsd && osds.equals(m.osds) && pools.equals(m.pools) && poolMax == m.poolMax
                && crushText.equals(m.crushText) && pgTemp.equals(m.pgTemp) && upmapItems.equals(m.upmapItems)
                && flags == m.flags && blocklist.equals(m.blocklist);
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(epoch) * 31 + fsid.hashCode();
    }

    @Override
    public String toString() {
        return "OsdMap(e" + epoch + ", " + numOsds() + " osds, " + pools.size() + " pools)";
    }
}
