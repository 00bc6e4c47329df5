package io.cairn.osd.stats;

import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.PgMapping;
import io.cairn.common.osdmap.Pool;
import io.cairn.osd.peering.PeeringMachine;
import io.cairn.osd.peering.PgInfo;
import io.cairn.osd.peering.PgStateFlag;
import io.cairn.osd.pg.Pg;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.pg.PgRegistry;
import io.cairn.osd.recovery.PgMissing;
import io.cairn.osd.recovery.PgRecovery;
import io.cairn.osd.scrub.PgScrubber;
import io.cairn.osd.scrub.ScrubRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A PG's state as the primary sees it, in Ceph's words: from its newest peering machine, whether
 * it serves, the map's recovery flags, its backfill reservations and its scrub; and the
 * {@code pg query} view built from the same parts.
 */
public final class PgStates {
    private final PgRegistry registry;
    private final PgRecovery recovery;
    private final PgScrubber scrubber;
    private final PgCopies copies;
    private final Function<PgId, Set<PgStateFlag>> snapTrimFlags;
    private final int me;

    public PgStates(PgRegistry registry, PgRecovery recovery, PgScrubber scrubber, PgCopies copies,
                    Function<PgId, Set<PgStateFlag>> snapTrimFlags, int me) {
        this.registry = registry;
        this.recovery = recovery;
        this.scrubber = scrubber;
        this.copies = copies;
        this.snapTrimFlags = snapTrimFlags;
        this.me = me;
    }

    public String state(PgId id, Pool pool, PgMapping pm, OsdMap map) {
        int n = pm.acting().size();
        if (n < pool.minSize()) {
            return "undersized+degraded+peered";
        }
        Pg pg = registry.get(id);
        PeeringMachine m = pg.machine();
        boolean serving = pg.serves(pm.acting());
        boolean active = m != null && (m.phase() == PeeringMachine.Phase.CLEAN || m.phase() == PeeringMachine.Phase.ACTIVE);
        if (m == null || !m.acting().equals(pm.acting()) || (active && !serving)) {
            // no peering of this interval yet, or its result was invalidated (a replica missed a write)
            return n >= pool.size() ? "peering" : "undersized+degraded+peering";
        }
        EnumSet<PgStateFlag> flags = EnumSet.copyOf(m.state());
        if (map.hasFlag(ClusterFlag.NORECOVER) && flags.remove(PgStateFlag.RECOVERING)) {
            flags.add(PgStateFlag.RECOVERY_WAIT);
        }
        if (flags.contains(PgStateFlag.BACKFILLING)) {
            PgRecovery.BackfillStage stage = recovery.backfillStage(id);
            if (map.hasFlag(ClusterFlag.NOBACKFILL) || stage == PgRecovery.BackfillStage.WAIT) {
                flags.remove(PgStateFlag.BACKFILLING);
                flags.add(PgStateFlag.BACKFILL_WAIT);
            } else if (stage == PgRecovery.BackfillStage.TOOFULL) {
                flags.remove(PgStateFlag.BACKFILLING);
                flags.add(PgStateFlag.BACKFILL_TOOFULL);
            }
        }
        flags.addAll(scrubber.flags(id));
        flags.addAll(snapTrimFlags.apply(id));
        return PgStateFlag.format(flags);
    }

    /** The acting set while this OSD leads the PG and it is active+clean with nothing missing; empty otherwise. */
    public Optional<List<Integer>> cleanActing(PgId id, OsdMap m) {
        Pool pool = m.pool(id.pool());
        if (pool == null || id.seed() >= pool.pgNum()) {
            return Optional.empty();
        }
        PgMapping pm = m.mapPg(id);
        Pg pg = registry.get(id);
        PeeringMachine machine = pg.machine();
        boolean clean = pm.actingPrimary() == me && pm.acting().size() >= pool.size() && pg.serves(pm.acting())
                && machine != null && machine.acting().equals(pm.acting())
                && machine.state().contains(PgStateFlag.CLEAN)
                && recovery.missing(id).map(PgMissing::isEmpty).orElse(true);
        return clean ? Optional.of(pm.acting()) : Optional.empty();
    }

    /**
     * Object copies degraded (missing on acting members, or whole copies short of pool size) and
     * misplaced (missing only on up-only backfill targets).
     */
    long[] degradedAndMisplaced(PgId id, Pool pool, PgMapping pm, long objects) {
        long degraded = (long) Math.max(0, pool.size() - pm.acting().size()) * objects;
        long misplaced = 0;
        Optional<PgMissing> missing = recovery.missing(id);
        PeeringMachine m = registry.get(id).machine();
        if (missing.isPresent()) {
            degraded += missing.get().copiesMissingOn(pm.acting());
            misplaced = missing.get().copiesMissing() - missing.get().copiesMissingOn(pm.acting());
        } else if (m != null && m.acting().equals(pm.acting())) {
            degraded += m.missingObjects() + (long) m.backfillTargets() * objects;
        }
        return new long[] {degraded, misplaced};
    }

    /**
     * {@code pg PGID query} as the primary sees the PG: its state, sets, this copy's info, where
     * peering stands (phase, what blocks it, each member's info) and its scrub record.
     */
    public Map<String, Object> query(OsdMap map, PgId id, Pool pool) {
        PgMapping pm = map.mapPg(id);
        Pg pg = registry.get(id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", state(id, pool, pm, map));
        out.put("epoch", map.epoch());
        out.put("up", pm.up());
        out.put("acting", pm.acting());
        out.put("up_primary", pm.upPrimary());
        out.put("acting_primary", pm.actingPrimary());
        out.put("info", infoJson(id, copies.info(pg.coll())));
        List<Object> recoveryState = new ArrayList<>();
        PeeringMachine m = pg.machine();
        if (m != null) {
            recoveryState.add(machineJson(id, m));
        }
        out.put("recovery_state", recoveryState);
        ScrubRecord scrub = scrubber.record(id);
        Map<String, Object> sc = new LinkedHashMap<>();
        sc.put("flags", scrubber.flags(id).stream().map(PgStateFlag::cephName).toList());
        sc.put("last_scrub_stamp", Instant.ofEpochMilli(scrub.lastScrubMs()).toString());
        sc.put("last_deep_scrub_stamp", Instant.ofEpochMilli(scrub.lastDeepScrubMs()).toString());
        sc.put("scrub_errors", scrub.errors());
        out.put("scrubber", sc);
        return out;
    }

    private static Map<String, Object> machineJson(PgId id, PeeringMachine m) {
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("name", "Started/Primary/" + m.phase().name());
        st.put("acting", m.acting());
        st.put("authority", m.authority());
        m.blockedBy().ifPresent(b -> st.put("blocked_by", b.toString()));
        if (!m.unreachable().isEmpty()) {
            st.put("unreachable", List.copyOf(m.unreachable()));
        }
        List<Object> peers = new ArrayList<>();
        for (int osd : m.acting()) {
            Map<String, Object> peer = new LinkedHashMap<>();
            peer.put("peer", osd);
            peer.put("info", infoJson(id, m.info(osd)));
            peers.add(peer);
        }
        st.put("peer_info", peers);
        st.put("missing_objects", m.missingObjects());
        st.put("backfill_targets", m.backfillTargets());
        return st;
    }

    private static Map<String, Object> infoJson(PgId id, PgInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pgid", id.toString());
        if (info == null) {
            return m;
        }
        m.put("last_update", info.lastUpdate().toString());
        m.put("last_complete", info.lastComplete().toString());
        m.put("log_tail", info.logTail().toString());
        m.put("last_epoch_started", info.lastEpochStarted());
        m.put("last_epoch_clean", info.lastEpochClean());
        return m;
    }
}
