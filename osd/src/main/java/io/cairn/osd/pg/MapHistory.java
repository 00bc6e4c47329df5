package io.cairn.osd.pg;

import io.cairn.common.CairnException;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.osd.peering.PastIntervals.EpochView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The maps this OSD has seen, newest {@code capacity} kept, older ones fetched from the monitors
 * when peering needs a PG's history. Epochs the monitors no longer keep cut the history short:
 * it starts after the gap.
 */
public final class MapHistory {
    private final int capacity;
    private final IntFunction<OsdMap> fetch;
    private final TreeMap<Integer, OsdMap> maps = new TreeMap<>();

    public MapHistory(int capacity, IntFunction<OsdMap> fetch) {
        this.capacity = capacity;
        this.fetch = fetch;
    }

    public synchronized void add(OsdMap m) {
        maps.put(m.epoch(), m);
        while (maps.size() > capacity) {
            maps.pollFirstEntry();
        }
    }

    /** The map at an epoch, if this OSD or the monitors still have it. */
    public Optional<OsdMap> get(int epoch) {
        synchronized (this) {
            OsdMap m = maps.get(epoch);
            if (m != null) {
                return Optional.of(m);
            }
        }
        try {
            OsdMap m = fetch.apply(epoch);
            if (m.epoch() != epoch) {
                return Optional.empty();
            }
            add(m);
            return Optional.of(m);
        } catch (CairnException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** How a PG mapped in each epoch from {@code from} to {@code current}, consecutive. */
    public List<EpochView> views(PgId pg, int from, OsdMap current) {
        List<EpochView> out = new ArrayList<>();
        for (int e = Math.max(1, from); e < current.epoch(); e++) {
            Optional<EpochView> v = get(e).flatMap(m -> view(m, pg));
            if (v.isEmpty()) {
                out.clear();
            } else {
                out.add(v.get());
            }
        }
        view(current, pg).ifPresent(out::add);
        return out;
    }

    public static Optional<EpochView> view(OsdMap m, PgId pg) {
        Pool pool = m.pool(pg.pool());
        if (pool == null || pg.seed() >= pool.pgNum()) {
            return Optional.empty();
        }
        PgMapping pm = m.mapPg(pg);
        int primary = pm.actingPrimary();
        var p = primary >= 0 ? m.osd(primary) : null;
        return Optional.of(new EpochView(m.epoch(), pm.up(), pm.acting(), primary, pool.minSize(),
                p == null ? 0 : p.upThru(), p == null ? 0 : p.upFrom()));
    }
}
