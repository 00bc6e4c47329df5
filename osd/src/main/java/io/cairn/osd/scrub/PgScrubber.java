package io.cairn.osd.scrub;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.ClusterFlag;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.common.osdmap.PgId;
import io.cairn.common.time.Pause;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ListPage;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.net.OsdErrors;
import io.cairn.osd.op.WriteGate;
import io.cairn.osd.peering.PgStateFlag;
import io.cairn.osd.pg.ListCursor;
import io.cairn.osd.pg.ObjectIds;
import io.cairn.osd.pg.ObjectTransfer;
import io.cairn.osd.pg.PgCopies;
import io.cairn.osd.scrub.ScrubSchedule.Decision;
import io.cairn.osd.scrub.ScrubSchedule.Kind;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.cairn.proto.v1.ScrubMapReply;
import io.cairn.proto.v1.ScrubMapRequest;
import io.cairn.proto.v1.ScrubObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrubs the PGs this OSD leads: picks the next one from the schedule and operator requests,
 * then walks it in chunks. For each chunk it holds back client writes to the chunk's objects
 * ({@link WriteGate}), waits for the writes already under way, gathers every member's scrub map,
 * compares them ({@link ScrubCompare}) and, for a repair, rewrites the bad copies from the
 * authoritative one. A PG whose interval changes mid-scrub stops and is scrubbed again later.
 */
public final class PgScrubber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgScrubber.class);
    private static final long DRAIN_TIMEOUT_MS = 30_000;
    private static final int CHUNKS_MAX = 1_000_000;
    private static final int KEPT_INCONSISTENTS_MAX = 10_000;
    private static final int LIST_PAGE = 256;
    private static final int WORKERS_MAX = 64;

    /** What the scrubber needs from the daemon. */
    public interface Shell {
        OsdMap map();

        /** PGs this OSD leads in its newest map. */
        List<PgId> ledPgs();

        /** The acting set while this OSD leads {@code pg} and it is active+clean; empty otherwise. */
        Optional<List<Integer>> cleanActing(PgId pg);

        /** Changes whenever the PG's interval changes here. */
        int intervalSeq(PgId pg);

        /** A blocking stub to {@code osd} for one call, under its deadline. */
        OsdServiceGrpc.OsdServiceBlockingStub stub(OsdMap map, int osd);

        /** The 1-minute load average per CPU. */
        double loadPerCpu();

        /** A line for the cluster log (DBG, INF, WRN, ERR); best effort. */
        void clusterLog(String level, String message);
    }

    /** Bad copies named in the cluster log per scrub, beyond which only the totals are. */
    private static final int LOGGED_SHARDS_MAX = 10;

    public record Options(int maxScrubs, long sleepMs, int chunkMin, int chunkMax, ScrubSchedule.Options schedule) { }

    private final ObjectStore store;
    private final PgCopies copies;
    private final ScrubMapBuilder maps;
    private final WriteGate gate;
    private final Shell shell;
    private final LongSupplier wallMs;
    /** Read at every use: the scrub options can change at runtime. */
    private final java.util.function.Supplier<Options> options;
    private final int me;
    private final ExecutorService workers;
    private final Map<PgId, Kind> requested = new ConcurrentHashMap<>();
    private final Map<PgId, Kind> running = new ConcurrentHashMap<>();
    private final Map<PgId, ScrubRecord> records = new ConcurrentHashMap<>();
    private final AtomicLong shardsRepaired;

    public PgScrubber(ObjectStore store, PgCopies copies, WriteGate gate, Shell shell, LongSupplier wallMs,
                      java.util.function.Supplier<Options> options, int me, long shardsRepairedBefore,
                      ThreadFactory threads) {
        this.store = store;
        this.copies = copies;
        this.maps = new ScrubMapBuilder(store);
        this.gate = gate;
        this.shell = shell;
        this.wallMs = wallMs;
        this.options = options;
        this.me = me;
        this.shardsRepaired = new AtomicLong(shardsRepairedBefore);
        // up to the largest osd_max_scrubs allowed, so a runtime change is honoured; idle threads go
        var pool = new java.util.concurrent.ThreadPoolExecutor(WORKERS_MAX, WORKERS_MAX, 60, TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(WORKERS_MAX), threads);
        pool.allowCoreThreadTimeOut(true);
        this.workers = pool;
    }

    /** An operator's {@code pg scrub|deep-scrub|repair}: runs once the PG is clean, ahead of the schedule. */
    public void request(PgId pg, Kind kind) {
        requested.merge(pg, kind, (a, b) -> a.ordinal() >= b.ordinal() ? a : b);
    }

    /** Starts scrubs that are due, up to osd_max_scrubs at once (timer thread). */
    public void tick() {
        try {
            OsdMap map = shell.map();
            if (map == null) {
                return;
            }
            List<ScrubSchedule.Candidate> candidates = new ArrayList<>();
            for (PgId pg : shell.ledPgs()) {
                if (!running.containsKey(pg) && shell.cleanActing(pg).isPresent()) {
                    ScrubRecord r = record(pg);
                    candidates.add(new ScrubSchedule.Candidate(pg, r.lastScrubMs(), r.lastDeepScrubMs(),
                            Optional.ofNullable(requested.get(pg))));
                }
            }
            double load = candidates.isEmpty() ? 0 : shell.loadPerCpu();
            Options options = this.options.get();
            while (running.size() < Math.min(WORKERS_MAX, options.maxScrubs())) {
                Optional<Decision> next = ScrubSchedule.next(candidates, wallMs.getAsLong(), options.schedule(), load,
                        map.hasFlag(ClusterFlag.NOSCRUB), map.hasFlag(ClusterFlag.NODEEP_SCRUB));
                if (next.isEmpty()) {
                    return;
                }
                Decision d = next.get();
                candidates.removeIf(c -> c.pg().equals(d.pg()));
                if (d.requested()) {
                    requested.remove(d.pg(), d.kind());
                }
                running.put(d.pg(), d.kind());
                workers.execute(() -> {
                    try {
                        scrub(d.pg(), d.kind());
                    } catch (RuntimeException e) {
                        LOG.info("pg {} {} stopped: {}", d.pg(), describe(d.kind()), OsdErrors.messageOf(e));
                        if (d.requested()) {
                            // asked for by an operator: try again once the PG is settled
                            request(d.pg(), d.kind());
                        }
                    } finally {
                        running.remove(d.pg());
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.debug("scrub schedule: {}", e.toString());
        }
    }

    /** The PG's scrub state flags for its state string. */
    public Set<PgStateFlag> flags(PgId pg) {
        Set<PgStateFlag> out = EnumSet.noneOf(PgStateFlag.class);
        Kind k = running.get(pg);
        if (k != null) {
            out.add(PgStateFlag.SCRUBBING);
            if (k != Kind.SHALLOW) {
                out.add(PgStateFlag.DEEP);
            }
            if (k == Kind.REPAIR) {
                out.add(PgStateFlag.REPAIR);
            }
        }
        if (record(pg).errors() > 0) {
            out.add(PgStateFlag.INCONSISTENT);
        }
        return out;
    }

    /** The PG's scrub stamps and error count as last recorded (stamps at first sight when never scrubbed). */
    public ScrubRecord record(PgId pg) {
        return records.computeIfAbsent(pg, p -> {
            CollectionId coll = CollectionId.of(p.toString());
            try {
                Optional<byte[]> b = store.collectionExists(coll) && store.exists(coll, PgCopies.PGMETA)
                        ? store.getAttr(coll, PgCopies.PGMETA, ScrubRecord.ATTR) : Optional.empty();
                if (b.isPresent()) {
                    return ScrubRecord.decode(b.get());
                }
            } catch (RuntimeException e) {
                LOG.warn("pg {}: unreadable scrub record, starting afresh: {}", p, e.toString());
            }
            // as Ceph stamps a new PG with its creation time: the first scrub is due an interval from now,
            // kept so that restarting the OSD does not push it back again
            ScrubRecord fresh = ScrubRecord.fresh(wallMs.getAsLong());
            if (store.collectionExists(coll) && store.exists(coll, PgCopies.PGMETA)) {
                Transaction txn = new Transaction();
                txn.setAttr(coll, PgCopies.PGMETA, ScrubRecord.ATTR, fresh.encode());
                store.queueTransactions(List.of(txn)).exceptionally(e -> {
                    LOG.debug("pg {}: scrub stamps not saved: {}", p, e.toString());
                    return null;
                });
            }
            return fresh;
        });
    }

    /** Forgets what this OSD knew of a PG it no longer holds. */
    public void forget(PgId pg) {
        records.remove(pg);
        requested.remove(pg);
    }

    public long shardsRepaired() {
        return shardsRepaired.get();
    }

    /** A primary rewrote this OSD's copy of an object from the authoritative one. */
    public void repairedHere() {
        shardsRepaired.incrementAndGet();
    }

    /** {@code rados list-inconsistent-obj} for a PG this OSD leads. */
    public Map<String, Object> listInconsistent(PgId pg) {
        ScrubRecord r = record(pg);
        if (r.epoch() == 0) {
            throw CairnException.notFound("No scrub information available for pg " + pg);
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("epoch", r.epoch());
        out.put("inconsistents", r.inconsistents());
        return out;
    }

    private static String describe(Kind k) {
        return switch (k) {
            case SHALLOW -> "scrub";
            case DEEP -> "deep-scrub";
            case REPAIR -> "repair";
        };
    }

    private void scrub(PgId pg, Kind kind) {
        Options options = this.options.get();
        List<Integer> acting = shell.cleanActing(pg)
                .orElseThrow(() -> new CairnException(ErrorCode.EAGAIN, "pg " + pg + " is not clean"));
        int seq = shell.intervalSeq(pg);
        OsdMap map = shell.map();
        boolean deep = kind != Kind.SHALLOW;
        CollectionId coll = CollectionId.of(pg.toString());
        long startMs = wallMs.getAsLong();
        LOG.info("pg {} {} starts on {}", pg, describe(kind), acting);
        List<ObjectInconsistency> found = new ArrayList<>();
        long errors = 0;
        long fixed = 0;
        long objects = 0;
        int chunk = options.chunkMax();
        Optional<ObjectId> cursor = Optional.empty();
        for (int n = 0; n < CHUNKS_MAX; n++) {
            List<ObjectId> mine = listClientObjects(coll, cursor, chunk);
            Optional<ObjectId> end = mine.size() < chunk ? Optional.empty() : Optional.of(mine.get(mine.size() - 1));
            boolean writesWaited;
            List<ObjectInconsistency> bad;
            try {
                awaitDrained(pg, gate.block(pg, cursor, end));
                requireSameInterval(pg, seq, acting);
                Map<Integer, List<ScrubObject>> chunkMaps = new HashMap<>();
                for (int osd : acting) {
                    chunkMaps.put(osd, osd == me ? maps.build(coll, cursor, end, deep)
                            : remoteMap(map, osd, pg, cursor, end, deep));
                }
                objects += chunkMaps.get(me).size();
                bad = ScrubCompare.compare(acting, chunkMaps, deep);
                for (ObjectInconsistency i : bad) {
                    for (var shard : i.shards()) {
                        if (shard.bad() && errors < LOGGED_SHARDS_MAX) {
                            shell.clusterLog("ERR", pg + " shard osd." + shard.osd() + " " + i.name() + " : "
                                    + String.join(", ", shard.errors().stream().map(e -> e.cephName()).sorted().toList()));
                        }
                    }
                    errors += i.badOsds().size();
                    if (kind == Kind.REPAIR && i.repairable()) {
                        fixed += repair(map, pg, coll, i);
                    }
                }
                requireSameInterval(pg, seq, acting);
            } finally {
                writesWaited = gate.unblock(pg);
            }
            for (ObjectInconsistency i : bad) {
                if (found.size() < KEPT_INCONSISTENTS_MAX && (kind != Kind.REPAIR || !i.repairable())) {
                    found.add(i);
                }
            }
            // Ceph's preemption, reduced: clients waited on this chunk, so the next one is smaller
            chunk = writesWaited ? Math.max(options.chunkMin(), chunk / 2) : Math.min(options.chunkMax(), chunk * 2);
            if (end.isEmpty()) {
                break;
            }
            cursor = end;
            Pause.ms(options.sleepMs());
        }
        long left = kind == Kind.REPAIR ? errors - fixed : errors;
        ScrubRecord prev = record(pg);
        ScrubRecord done = new ScrubRecord(startMs, deep ? startMs : prev.lastDeepScrubMs(), left, map.epoch(),
                found.stream().map(i -> ScrubRecord.toJson(pg.pool(), i)).toList());
        Transaction txn = new Transaction();
        txn.setAttr(coll, PgCopies.PGMETA, ScrubRecord.ATTR, done.encode());
        store.queueTransactions(List.of(txn)).join();
        records.put(pg, done);
        if (errors == 0) {
            LOG.info("pg {} {} ok: {} objects", pg, describe(kind), objects);
            if (kind == Kind.REPAIR) {
                shell.clusterLog("INF", pg + " repair ok, 0 fixed");
            }
        } else if (kind == Kind.REPAIR) {
            LOG.warn("pg {} repair: {} objects, {} errors, {} fixed", pg, objects, errors, fixed);
            shell.clusterLog("ERR", pg + " repair " + errors + " errors, " + fixed + " fixed");
        } else {
            LOG.error("pg {} {}: {} objects, {} errors", pg, describe(kind), objects, errors);
            shell.clusterLog("ERR", pg + " " + describe(kind) + " " + errors + " errors");
        }
    }

    /** Up to {@code max} client objects of this OSD's copy after {@code after}. */
    private List<ObjectId> listClientObjects(CollectionId coll, Optional<ObjectId> after, int max) {
        List<ObjectId> out = new ArrayList<>();
        Optional<ObjectId> from = after;
        while (out.size() < max) {
            ListPage page = store.list(coll, from, LIST_PAGE);
            for (ObjectId o : page.objects()) {
                if (!o.namespace().startsWith(".cairn") && out.size() < max) {
                    out.add(o);
                }
            }
            if (page.next().isEmpty() || page.objects().isEmpty()) {
                break;
            }
            from = Optional.of(page.objects().get(page.objects().size() - 1));
        }
        return out;
    }

    private static void awaitDrained(PgId pg, java.util.concurrent.CompletableFuture<Void> drained) {
        try {
            drained.get(DRAIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CairnException(ErrorCode.ETIMEDOUT, "pg " + pg + ": writes under way did not finish");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CairnException(ErrorCode.EIO, "interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private void requireSameInterval(PgId pg, int seq, List<Integer> acting) {
        if (shell.intervalSeq(pg) != seq || !shell.cleanActing(pg).map(acting::equals).orElse(false)) {
            throw new CairnException(ErrorCode.EAGAIN, "pg " + pg + " changed interval while scrubbing");
        }
    }

    private List<ScrubObject> remoteMap(OsdMap map, int osd, PgId pg, Optional<ObjectId> startAfter,
                                        Optional<ObjectId> end, boolean deep) {
        ScrubMapReply r = shell.stub(map, osd).scrubMap(ScrubMapRequest.newBuilder().setEpoch(map.epoch())
                .setPool(pg.pool()).setSeed(pg.seed()).setStartAfter(startAfter.map(ListCursor::encode).orElse(""))
                .setEnd(end.map(ListCursor::encode).orElse("")).setDeep(deep).build());
        if (r.getCode() != 0) {
            throw new CairnException(ErrorCode.of(r.getCode()), "osd." + osd + " scrub map: " + r.getMessage());
        }
        return r.getObjectsList();
    }

    /** Rewrites each bad copy of the object from the authoritative one; the copies fixed. */
    private int repair(OsdMap map, PgId pg, CollectionId coll, ObjectInconsistency i) {
        ObjectLocator oloc = ObjectLocator.newBuilder().setPool(pg.pool()).setName(i.name()).setNspace(i.nspace())
                .setKey(i.key()).build();
        ObjectId oid = ObjectIds.objectId(oloc);
        long chunk = copies.transferChunkBytes();
        ObjectTransfer.Source auth = i.authOsd() == me ? ObjectTransfer.local(copies, coll, oid, chunk)
                : ObjectTransfer.pulled(shell.stub(map, i.authOsd()), i.authOsd(), pg, oloc, chunk);
        int fixed = 0;
        for (int osd : i.badOsds()) {
            try {
                if (osd == me) {
                    ObjectTransfer.copy(auth, ObjectTransfer.stored(copies, coll, oid,
                            txn -> store.queueTransactions(List.of(txn)).join()));
                    repairedHere();
                } else {
                    ObjectTransfer.copy(auth, ObjectTransfer.pushed(shell.stub(map, osd), osd, map.epoch(), pg, oloc,
                            true));
                }
                fixed++;
                LOG.info("pg {} repair: {} on osd.{} rewritten from osd.{}", pg, i.name(), osd, i.authOsd());
            } catch (RuntimeException e) {
                LOG.warn("pg {} repair of {} on osd.{} failed: {}", pg, i.name(), osd, OsdErrors.messageOf(e));
            }
        }
        return fixed;
    }


    @Override
    public void close() {
        workers.shutdownNow();
    }
}
