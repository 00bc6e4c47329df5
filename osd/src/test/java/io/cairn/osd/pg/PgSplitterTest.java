package io.cairn.osd.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.osdmap.PgId;
import io.cairn.common.osdmap.Placement;
import io.cairn.common.osdmap.Pool;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.mem.MemStore;
import io.cairn.osd.peering.Eversion;
import io.cairn.osd.peering.LogEntry;
import io.cairn.proto.v1.ObjectLocator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A member splits its copy of a PG: objects, log entries (with request ids) and info go where the new pg_num says. */
class PgSplitterTest {
    private static Pool pool(int pgNum) {
        return new Pool(1, "p", Pool.TYPE_REPLICATED, 3, 2, pgNum, 4, 0, Pool.FLAG_HASHPSPOOL, 0, 1);
    }

    private static CollectionId coll(int seed) {
        return CollectionId.of(new PgId(1, seed).toString());
    }

    @Test
    void theNewPgsOfAParentAreTheSeedsThatFoldOntoIt() {
        assertEquals(List.of(5, 9, 13), PgSplitter.children(pool(16), 1, 4));
        assertEquals(List.of(10), PgSplitter.children(pool(12), 2, 8), "pg_num 8 -> 12: only 8..11 are new");
        assertEquals(List.of(), PgSplitter.children(pool(12), 5, 8));
        assertEquals(List.of(1, 2, 3), PgSplitter.children(pool(4), 0, 1));
    }

    @Test
    void objectsAndTheirLogEntriesMoveToTheirNewPgAndASecondSplitDoesNothing() {
        MemStore store = new MemStore(64L << 20, 4096, io.cairn.objectstore.StoreLimits.DEFAULT);
        store.mount();
        PgCopies copies = new PgCopies(store);
        Pool before = pool(4);
        Transaction t = new Transaction().createCollection(coll(1), HashRange.ALL).touch(coll(1), PgCopies.PGMETA);
        copies.setPgNum(t, coll(1), 4);
        Map<String, byte[]> data = new HashMap<>();
        long v = 0;
        for (int i = 0; data.size() < 60; i++) {
            String name = "obj-" + i;
            if (Placement.objectPg(before, name, "", "").seed() != 1) {
                continue;
            }
            byte[] d = name.getBytes(StandardCharsets.UTF_8);
            ObjectLocator o = ObjectLocator.newBuilder().setPool(1).setName(name).build();
            t.touch(coll(1), ObjectIds.objectId(o)).write(coll(1), ObjectIds.objectId(o), 0, d);
            copies.record(t, coll(1), new Eversion(3, ++v), o, false, true, "client.x:" + v, 0, List.of());
            data.put(name, d);
        }
        copies.setLastEpochStarted(t, coll(1), 3);
        store.queueTransactions(List.of(t)).join();

        Pool after = pool(16);
        PgSplitter splitter = new PgSplitter(store, copies);
        assertEquals(List.of(new PgId(1, 5), new PgId(1, 9), new PgId(1, 13)), splitter.split(after, new PgId(1, 1)));
        int entries = 0;
        for (int seed : List.of(1, 5, 9, 13)) {
            List<LogEntry> log = copies.log(coll(seed), Eversion.ZERO).entries();
            entries += log.size();
            for (LogEntry e : log) {
                assertEquals(seed, Placement.objectPg(after, e.object().name(), "", "").seed(), e + " in pg seed " + seed);
            }
            var info = copies.info(coll(seed));
            assertEquals(log.isEmpty() ? Eversion.ZERO : log.get(log.size() - 1).version(), info.lastUpdate(),
                    "last_update is the newest entry the PG kept");
            assertEquals(3, info.lastEpochStarted());
            assertEquals(16, copies.pgNum(coll(seed)));
        }
        assertEquals(60, entries, "every entry went to exactly one PG");
        Map<String, Long> requests = new HashMap<>();
        for (int seed : List.of(1, 5, 9, 13)) {
            copies.requests(coll(seed)).forEach(e -> requests.put(e.getKey(), e.getValue()));
        }
        assertEquals(60, requests.size(), "request ids travel with their entries");
        for (Map.Entry<String, byte[]> e : data.entrySet()) {
            int seed = Placement.objectPg(after, e.getKey(), "", "").seed();
            var oid = ObjectIds.objectId(ObjectLocator.newBuilder().setPool(1).setName(e.getKey()).build());
            assertTrue(store.exists(coll(seed), oid), e.getKey() + " in its new PG");
            assertArrayEquals(e.getValue(), store.read(coll(seed), oid, 0, e.getValue().length));
        }
        assertEquals(List.of(), splitter.split(after, new PgId(1, 1)), "split already for pg_num 16");
    }
}
