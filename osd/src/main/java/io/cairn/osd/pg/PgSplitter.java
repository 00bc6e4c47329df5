package io.cairn.osd.pg;

import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Placement;
import io.cairn.common.osdmap.Pool;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.peering.LogEntry;
import io.cairn.osd.peering.PgInfo;
import io.cairn.osd.peering.PgLog;
import io.cairn.osd.snap.SnapMapper;
import io.cairn.osd.snap.SnapSet;
import io.cairn.proto.v1.ObjectLocator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits this OSD's copy of a PG when its pool's pg_num grows (Ceph's PG split). Every member
 * does it on its own, from its own copy, the same way: each object whose hash now maps to a new
 * PG moves to that PG's collection, with the log entries that name it; a new PG takes its
 * parent's log tail, last_epoch_started, last_epoch_clean and last_complete, and last_update
 * becomes the newest entry each log keeps. Idempotent, so a crash part way is finished by the next
 * split: a collection records the pg_num it was split for only once all of its objects moved.
 */
public final class PgSplitter {
    private static final Logger LOG = LoggerFactory.getLogger(PgSplitter.class);
    /** Objects moved per transaction: a big PG is split in bounded steps. */
    private static final int MOVES_PER_TXN = 512;

    private final ObjectStore store;
    private final PgCopies copies;

    public PgSplitter(ObjectStore store, PgCopies copies) {
        this.store = store;
        this.copies = copies;
    }

    /**
     * The PGs {@code parent} (a PG of {@code pool} when it had {@code oldPgNum} PGs) becomes part
     * of when the pool has {@code pool.pgNum()}: the new seeds whose hashes it held.
     */
    public static List<Integer> children(Pool pool, int parentSeed, int oldPgNum) {
        List<Integer> out = new ArrayList<>();
        for (int c = oldPgNum; c < pool.pgNum(); c++) {
            if (Placement.stableMod(c, oldPgNum, Placement.mask(oldPgNum)) == parentSeed) {
                out.add(c);
            }
        }
        return out;
    }

    /** Splits {@code parent} if it was last split for a smaller pg_num; returns the PGs it made. */
    public List<PgId> split(Pool pool, PgId parent) {
        CollectionId pc = CollectionId.of(parent.toString());
        int oldPgNum = copies.pgNum(pc);
        if (oldPgNum <= 0 || oldPgNum >= pool.pgNum()) {
            return List.of();
        }
        List<Integer> seeds = children(pool, parent.seed(), oldPgNum);
        PgInfo info = copies.info(pc);
        PgLog log = copies.log(pc, info.logTail());
        Map<Integer, List<LogEntry>> moving = new LinkedHashMap<>();
        seeds.forEach(c -> moving.put(c, new ArrayList<>()));
        List<LogEntry> staying = new ArrayList<>();
        for (LogEntry e : log.entries()) {
            int seed = Placement.objectPg(pool, e.object().name(), e.object().nspace(), e.object().key()).seed();
            moving.getOrDefault(seed, staying).add(e);
        }
        // first the new PGs, each with its share of the log, and the parent without it
        Transaction start = new Transaction();
        for (int c : seeds) {
            CollectionId cc = CollectionId.of(new PgId(parent.pool(), c).toString());
            if (!store.collectionExists(cc)) {
                start.createCollection(cc, HashRange.ALL);
            } else if (copies.pgNum(cc) >= pool.pgNum()) {
                continue; // made by a split a crash cut short: its info and log are already in
            }
            copies.initSplit(start, cc, info, moving.get(c), parent.pool(), pool.pgNum());
        }
        copies.removeEntries(start, pc, moving.values().stream().flatMap(List::stream).toList());
        copies.setLastUpdate(start, pc, new PgLog(info.logTail(), staying).head());
        store.queueTransactions(List.of(start)).join();
        // then the objects, a bounded batch at a time
        int moved = 0;
        Transaction txn = new Transaction();
        int inTxn = 0;
        for (ObjectLocator o : copies.objects(pc, parent.pool())) {
            int seed = Placement.objectPg(pool, o.getName(), o.getNspace(), o.getKey()).seed();
            if (seed == parent.seed()) {
                continue;
            }
            CollectionId cc = CollectionId.of(new PgId(parent.pool(), seed).toString());
            var oid = ObjectIds.objectId(o);
            if (store.exists(cc, oid)) {
                txn.remove(cc, oid);
            }
            txn.moveRename(pc, oid, cc, oid);
            // clones go with their head, and so do their entries in the snap index
            for (var clone : copies.clonesOf(pc, oid)) {
                if (store.exists(cc, clone)) {
                    txn.remove(cc, clone);
                }
                txn.moveRename(pc, clone, cc, clone);
            }
            SnapSet ss = copies.snapSet(pc, oid);
            SnapMapper.update(txn, pc, oid, ss, SnapSet.EMPTY);
            SnapMapper.update(txn, cc, oid, SnapSet.EMPTY, ss);
            moved++;
            if (++inTxn >= MOVES_PER_TXN) {
                store.queueTransactions(List.of(txn)).join();
                txn = new Transaction();
                inTxn = 0;
            }
        }
        copies.setPgNum(txn, pc, pool.pgNum());
        store.queueTransactions(List.of(txn)).join();
        List<PgId> made = seeds.stream().map(c -> new PgId(parent.pool(), c)).toList();
        LOG.info("pg {} split for pg_num {} -> {}: {} objects moved to {}", parent, oldPgNum, pool.pgNum(), moved,
                new TreeSet<>(made.stream().map(PgId::toString).toList()));
        return made;
    }
}
