package io.cairn.objectstore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One behaviour suite for every {@link ObjectStore}: each op, atomicity, clones, omap paging,
 * listing order, split, space accounting and bad input. Subclasses only make the store.
 */
public abstract class ObjectStoreConformanceTest {
    protected static final int UNIT = 4096;
    protected static final CollectionId C = CollectionId.of("1.0_head");
    protected ObjectStore store;

    /** A fresh, mounted, empty store with {@code totalBytes} of data space and 4 KiB units. */
    protected abstract ObjectStore newStore(long totalBytes);

    @BeforeEach
    void setUp() {
        store = newStore(64L << 20);
        store.apply(new Transaction().createCollection(C, HashRange.ALL));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    protected static ObjectId oid(String name) {
        return ObjectId.head(name, name.hashCode());
    }

    protected static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writeThenReadReturnsTheBytesWithHolesAsZeros() {
        Random r = new Random(1);
        byte[] a = bytes(r, 10_000);
        store.apply(new Transaction().write(C, oid("a"), 5000, a));
        byte[] all = store.read(C, oid("a"), 0, 0);
        assertEquals(15_000, all.length);
        assertArrayEquals(new byte[5000], Arrays.copyOf(all, 5000));
        assertArrayEquals(a, Arrays.copyOfRange(all, 5000, 15_000));
        assertArrayEquals(Arrays.copyOfRange(a, 100, 300), store.read(C, oid("a"), 5100, 200));
        assertEquals(1000, store.read(C, oid("a"), 14_000, 5000).length, "read is clipped at the size");
        assertEquals(0, store.read(C, oid("a"), 20_000, 10).length);
        assertEquals(15_000, store.stat(C, oid("a")).sizeBytes());
    }

    private static byte[] bytesOf(ReadBuffer b) {
        ByteBuffer v = b.bytes();
        byte[] out = new byte[v.remaining()];
        v.get(out);
        return out;
    }

    @Test
    void bufferReadsReturnWhatArrayReadsDoForEverySizeOffsetAndHole() {
        Random r = new Random(21);
        byte[] big = bytes(r, 5 << 20);
        Transaction t = new Transaction().write(C, oid("big"), 0, big)
                .write(C, oid("holey"), 300_000, bytes(r, 200_000))
                .write(C, oid("holey"), 1 << 20, bytes(r, 70_000))
                .write(C, oid("small"), 100, bytes(r, 9000));
        store.apply(t);
        // a piece of a whole object, from several extents that lie side by side on the disk
        store.apply(new Transaction().write(C, oid("rewritten"), 0, Arrays.copyOf(big, 4 << 20))
                .write(C, oid("rewritten"), 1 << 20, bytes(r, 5000)));
        long[][] cases = {{0, 0}, {0, 4 << 20}, {4096, 4 << 20}, {123, 1_000_000}, {0, 130_000}, {(4 << 20) - 7, 0},
                {300_000, 0}, {299_999, 250_000}, {0, 1}, {5 << 20, 10}};
        for (String name : List.of("big", "holey", "small", "rewritten")) {
            for (long[] c : cases) {
                byte[] want = store.read(C, oid(name), c[0], c[1]);
                try (ReadBuffer got = store.readBuffer(C, oid(name), c[0], c[1])) {
                    assertEquals(want.length, got.length(), name + " at " + c[0] + " for " + c[1]);
                    assertArrayEquals(want, bytesOf(got), name + " at " + c[0] + " for " + c[1]);
                }
            }
        }
        assertThrows(ObjectStoreException.NoSuchObject.class, () -> store.readBuffer(C, oid("none"), 0, 0));
    }

    @Test
    void readBuffersAreClosedExactlyOnceAndManyOpenAtOnceAllReadRight() {
        Random r = new Random(22);
        byte[] data = bytes(r, 1 << 20);
        store.apply(new Transaction().write(C, oid("a"), 0, data));
        List<ReadBuffer> open = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            open.add(store.readBuffer(C, oid("a"), 0, 0));
        }
        for (ReadBuffer b : open) {
            assertArrayEquals(data, bytesOf(b), "every buffer held at once has its own bytes");
            b.close();
        }
        ReadBuffer once = store.readBuffer(C, oid("a"), 0, 0);
        once.close();
        assertThrows(IllegalStateException.class, once::close);
        assertThrows(IllegalStateException.class, once::bytes);
    }

    @Test
    void bufferWritesStoreTheViewsBytesAlignedOrNotAndLeaveTheBufferAlone() {
        Random r = new Random(7);
        byte[] backing = bytes(r, 5 * UNIT + 300);
        // a view that starts mid-array and covers whole units: the store's no-copy path
        ByteBuffer aligned = ByteBuffer.wrap(backing, 100, 3 * UNIT).slice().asReadOnlyBuffer();
        // one that starts and ends inside units: read-modify-write around it
        ByteBuffer unaligned = ByteBuffer.wrap(backing, 7, 2 * UNIT + 11);
        store.apply(new Transaction().write(C, oid("b"), 0, new byte[4 * UNIT])
                .write(C, oid("a"), UNIT, aligned).write(C, oid("b"), 1000, unaligned));
        assertEquals(0, aligned.position(), "the caller's buffer is not consumed");
        assertEquals(7, unaligned.position());
        assertArrayEquals(Arrays.copyOfRange(backing, 100, 100 + 3 * UNIT), store.read(C, oid("a"), UNIT, 3 * UNIT));
        assertArrayEquals(new byte[UNIT], store.read(C, oid("a"), 0, UNIT));
        byte[] b = store.read(C, oid("b"), 0, 0);
        assertEquals(4 * UNIT, b.length);
        assertArrayEquals(new byte[1000], Arrays.copyOf(b, 1000));
        assertArrayEquals(Arrays.copyOfRange(backing, 7, 7 + 2 * UNIT + 11), Arrays.copyOfRange(b, 1000, 1000 + 2 * UNIT + 11));
        assertArrayEquals(new byte[4 * UNIT - (1000 + 2 * UNIT + 11)], Arrays.copyOfRange(b, 1000 + 2 * UNIT + 11, 4 * UNIT));
    }

    @Test
    void aByteArrayWriteIsCopiedSoTheCallerMayReuseItsArray() {
        byte[] data = new byte[2 * UNIT];
        Arrays.fill(data, (byte) 1);
        Transaction t = new Transaction().write(C, oid("a"), 0, data);
        Arrays.fill(data, (byte) 2);
        store.apply(t);
        byte[] ones = new byte[2 * UNIT];
        Arrays.fill(ones, (byte) 1);
        assertArrayEquals(ones, store.read(C, oid("a"), 0, 0));
    }

    @Test
    void randomWritesZerosTruncatesClonesMatchAByteModel() {
        Random r = new Random(42);
        Map<ObjectId, byte[]> model = new HashMap<>();
        List<ObjectId> names = List.of(oid("m0"), oid("m1"), oid("m2"), oid("m3"));
        for (int round = 0; round < 150; round++) {
            Transaction t = new Transaction();
            StringBuilder desc = new StringBuilder();
            Map<ObjectId, byte[]> next = new HashMap<>(model);
            for (int k = 0; k < 1 + r.nextInt(3); k++) {
                ObjectId o = names.get(r.nextInt(names.size()));
                byte[] cur = next.get(o);
                int choice = r.nextInt(10);
                if (cur == null || choice < 4) {
                    int off = r.nextInt(3 * UNIT * 4);
                    byte[] d = bytes(r, 1 + r.nextInt(3 * UNIT));
                    t.write(C, o, off, d);
                    desc.append(" write ").append(o.name()).append(' ').append(off).append('+').append(d.length);
                    next.put(o, ByteModel.write(cur, off, d));
                } else if (choice < 6) {
                    int off = r.nextInt(cur.length + UNIT);
                    int len = r.nextInt(2 * UNIT + 1);
                    t.zero(C, o, off, len);
                    desc.append(" zero ").append(o.name()).append(' ').append(off).append('+').append(len);
                    next.put(o, ByteModel.zero(cur, off, len));
                } else if (choice < 7) {
                    int size = r.nextInt(cur.length + UNIT);
                    t.truncate(C, o, size);
                    desc.append(" truncate ").append(o.name()).append(' ').append(size);
                    next.put(o, Arrays.copyOf(cur, size));
                } else if (choice < 8) {
                    ObjectId d = names.get(r.nextInt(names.size()));
                    if (!d.equals(o)) {
                        t.clone(C, o, d);
                        desc.append(" clone ").append(o.name()).append("->").append(d.name());
                        next.put(d, cur.clone());
                    }
                } else if (choice < 9) {
                    ObjectId d = names.get(r.nextInt(names.size()));
                    if (!d.equals(o)) {
                        int so = r.nextInt(cur.length + 1);
                        int len = r.nextInt(2 * UNIT);
                        int dOff = r.nextInt(2 * UNIT);
                        t.cloneRange(C, o, d, so, len, dOff);
                        desc.append(" clone_range ").append(o.name()).append(' ').append(so).append('+').append(len)
                                .append("->").append(d.name()).append(' ').append(dOff);
                        byte[] src = Arrays.copyOfRange(cur, so, Math.min(cur.length, so + len));
                        byte[] dst = ByteModel.write(next.get(d), dOff, src);
                        if (src.length < len) {
                            dst = ByteModel.zero(dst, dOff + src.length, len - src.length);
                        }
                        next.put(d, dst);
                    }
                } else {
                    t.remove(C, o);
                    desc.append(" remove ").append(o.name());
                    next.remove(o);
                }
            }
            store.apply(t);
            model = next;
            for (ObjectId o : names) {
                if (model.containsKey(o)) {
                    assertArrayEquals(model.get(o), store.read(C, o, 0, 0), "round " + round + " " + o + desc);
                    assertEquals(model.get(o).length, store.stat(C, o).sizeBytes());
                } else {
                    assertFalse(store.exists(C, o), "round " + round + " " + o);
                }
            }
            long stored = model.values().stream().mapToLong(b -> b.length).sum();
            assertEquals(stored, store.statfs().storedBytes(), "round " + round);
        }
    }

    @Test
    void aFailingOpLeavesTheWholeTransactionUnapplied() {
        store.apply(new Transaction().write(C, oid("keep"), 0, utf8("old")));
        StatFs before = store.statfs();
        Transaction t = new Transaction()
                .write(C, oid("keep"), 0, utf8("new"))
                .write(C, oid("fresh"), 0, new byte[3 * UNIT])
                .setAttr(C, oid("keep"), "a", utf8("v"))
                .remove(C, oid("missing"));
        assertThrows(ObjectStoreException.NoSuchObject.class, () -> store.apply(t));
        assertArrayEquals(utf8("old"), store.read(C, oid("keep"), 0, 0));
        assertFalse(store.exists(C, oid("fresh")));
        assertTrue(store.getAttrs(C, oid("keep")).isEmpty());
        assertEquals(before, store.statfs());
    }

    @Test
    void transactionsQueuedTogetherAllBecomeVisible() {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fs.add(store.queueTransaction(new Transaction().write(C, oid("g" + i), 0, utf8("value " + i))));
        }
        CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).join();
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(utf8("value " + i), store.read(C, oid("g" + i), 0, 0));
        }
    }

    @Test
    void attrsSetGetRemove() {
        ObjectId o = oid("x");
        store.apply(new Transaction().touch(C, o)
                .setAttrs(C, o, Map.of("_", utf8("oi"), "snapset", utf8("ss"), "user.a", new byte[0])));
        assertArrayEquals(utf8("oi"), store.getAttr(C, o, "_").orElseThrow());
        assertEquals(List.of("_", "snapset", "user.a"), new ArrayList<>(store.getAttrs(C, o).keySet()));
        store.apply(new Transaction().rmAttr(C, o, "snapset").rmAttrs(C, o, List.of("user.a", "nonexistent")));
        assertEquals(Set.of("_"), store.getAttrs(C, o).keySet());
        assertTrue(store.getAttr(C, o, "snapset").isEmpty());
    }

    @Test
    void omapPagingPrefixAndRemoval() {
        ObjectId o = oid("dir");
        TreeMap<String, byte[]> entries = new TreeMap<>();
        for (int i = 0; i < 50; i++) {
            entries.put(String.format("k%03d", i), utf8("v" + i));
            entries.put(String.format("p%03d", i), utf8("p" + i));
        }
        store.apply(new Transaction().touch(C, o).omapSetKeys(C, o, entries).omapSetHeader(C, o, utf8("hdr")));
        assertArrayEquals(utf8("hdr"), store.omapGetHeader(C, o));
        List<String> paged = new ArrayList<>();
        Optional<String> after = Optional.empty();
        for (int pages = 0; pages < 100; pages++) {
            OmapKeys page = store.omapGetKeys(C, o, new OmapQuery(after, "k", 7));
            paged.addAll(page.keys());
            if (!page.more()) {
                break;
            }
            after = Optional.of(page.keys().get(page.keys().size() - 1));
        }
        assertEquals(entries.keySet().stream().filter(k -> k.startsWith("k")).toList(), paged);
        OmapPage vals = store.omapGetValues(C, o, OmapQuery.after("p045", 100));
        assertEquals(List.of("p046", "p047", "p048", "p049"), new ArrayList<>(vals.entries().keySet()));
        assertArrayEquals(utf8("p47"), vals.entries().get("p047"));
        assertFalse(vals.more());
        assertEquals(Set.of("k001", "p002"), store.omapGetValuesByKeys(C, o, Set.of("k001", "p002", "zz")).keySet());

        store.apply(new Transaction().omapRmKeys(C, o, List.of("k000", "k001")).omapRmRange(C, o, "k010", "p000"));
        List<String> left = store.omapGetKeys(C, o, OmapQuery.all().withPrefix("k")).keys();
        assertEquals(List.of("k002", "k003", "k004", "k005", "k006", "k007", "k008", "k009"), left);
        assertEquals(50, store.omapGetKeys(C, o, OmapQuery.all().withPrefix("p")).keys().size());
        store.apply(new Transaction().omapClear(C, o));
        assertTrue(store.omapGetKeys(C, o, OmapQuery.all()).keys().isEmpty());
        assertArrayEquals(utf8("hdr"), store.omapGetHeader(C, o), "clear keeps the header, as Ceph's omap_clear");
    }

    @Test
    void cloneSharesSpaceUntilAWriteAndTheCloneKeepsItsContent() {
        Random r = new Random(7);
        byte[] data = bytes(r, 16 * UNIT);
        ObjectId head = oid("obj");
        ObjectId snap = head.withSnap(4);
        store.apply(new Transaction().write(C, head, 0, data).setAttr(C, head, "_", utf8("v1"))
                .omapSetKeys(C, head, Map.of("k", utf8("v"))));
        long allocated = store.statfs().allocatedBytes();
        store.apply(new Transaction().clone(C, head, snap));
        assertEquals(allocated, store.statfs().allocatedBytes(), "a clone shares its data");
        assertEquals(2L * data.length, store.statfs().storedBytes());
        store.apply(new Transaction().write(C, head, UNIT, utf8("changed")).setAttr(C, head, "_", utf8("v2")));
        assertEquals(allocated + UNIT, store.statfs().allocatedBytes(), "only the written unit is copied");
        assertArrayEquals(data, store.read(C, snap, 0, 0));
        assertArrayEquals(utf8("v1"), store.getAttr(C, snap, "_").orElseThrow());
        assertArrayEquals(utf8("v"), store.omapGetValuesByKeys(C, snap, Set.of("k")).get("k"));
        store.apply(new Transaction().remove(C, head));
        assertArrayEquals(data, store.read(C, snap, 0, 0));
        assertEquals((long) data.length, store.statfs().allocatedBytes());
        store.apply(new Transaction().remove(C, snap));
        assertEquals(0, store.statfs().allocatedBytes());
        assertThrows(ObjectStoreException.InvalidArgument.class,
                () -> store.apply(new Transaction().clone(C, snap, snap)));
    }

    @Test
    void listingIsInHashOrderAndPagesCoverEveryObjectOnce() {
        Random r = new Random(3);
        List<ObjectId> all = new ArrayList<>();
        Transaction t = new Transaction();
        for (int i = 0; i < 120; i++) {
            ObjectId o = new ObjectId("o" + r.nextInt(1000), i % 3 == 0 ? "ns" : "", i % 5 == 0 ? i : ObjectId.HEAD,
                    r.nextInt());
            if (!all.contains(o)) {
                all.add(o);
                t.touch(C, o);
            }
        }
        store.apply(t);
        all.sort(ObjectId.ORDER);
        List<ObjectId> listed = new ArrayList<>();
        Optional<ObjectId> cursor = Optional.empty();
        for (int pages = 0; pages < 100; pages++) {
            ListPage p = store.list(C, cursor, 7);
            listed.addAll(p.objects());
            cursor = p.next();
            if (cursor.isEmpty()) {
                break;
            }
        }
        assertEquals(all, listed);
    }

    @Test
    void splitMovesTheObjectsOfTheChildRange() {
        Random r = new Random(5);
        Transaction t = new Transaction();
        List<ObjectId> objs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ObjectId o = ObjectId.head("s" + i, r.nextInt());
            objs.add(o);
            t.write(C, o, 0, utf8("data" + i));
        }
        store.apply(t);
        CollectionId child = CollectionId.of("1.1_head");
        store.apply(new Transaction().splitCollection(C, 1, 1, child));
        assertEquals(new HashRange(1, 0), store.collectionRange(C));
        assertEquals(new HashRange(1, 1), store.collectionRange(child));
        for (int i = 0; i < objs.size(); i++) {
            ObjectId o = objs.get(i);
            CollectionId where = (o.hash() & 1) == 1 ? child : C;
            CollectionId not = where.equals(C) ? child : C;
            assertArrayEquals(utf8("data" + i), store.read(where, o, 0, 0));
            assertFalse(store.exists(not, o));
        }
        ObjectId odd = ObjectId.head("odd", 3);
        assertThrows(ObjectStoreException.InvalidArgument.class,
                () -> store.apply(new Transaction().touch(C, odd)), "hash outside the collection's range");
        assertThrows(ObjectStoreException.InvalidArgument.class,
                () -> store.apply(new Transaction().splitCollection(C, 1, 1, CollectionId.of("x"))));
    }

    @Test
    void moveRenameAndCollectionLifecycle() {
        CollectionId other = CollectionId.of("2.0_head");
        store.apply(new Transaction().createCollection(other, HashRange.ALL).write(C, oid("a"), 0, utf8("A")));
        store.apply(new Transaction().moveRename(C, oid("a"), other, oid("b")));
        assertFalse(store.exists(C, oid("a")));
        assertArrayEquals(utf8("A"), store.read(other, oid("b"), 0, 0));
        store.apply(new Transaction().touch(C, oid("c")));
        assertThrows(ObjectStoreException.ObjectExists.class,
                () -> store.apply(new Transaction().moveRename(C, oid("c"), other, oid("b"))));
        assertThrows(ObjectStoreException.CollectionExists.class,
                () -> store.apply(new Transaction().createCollection(other, HashRange.ALL)));
        assertThrows(ObjectStoreException.CollectionNotEmpty.class,
                () -> store.apply(new Transaction().removeCollection(other)));
        store.apply(new Transaction().remove(other, oid("b")).removeCollection(other));
        assertFalse(store.collectionExists(other));
        assertEquals(List.of(C), store.listCollections());
        assertThrows(ObjectStoreException.NoSuchCollection.class,
                () -> store.apply(new Transaction().touch(other, oid("z"))));
        assertThrows(ObjectStoreException.NoSuchCollection.class, () -> store.read(other, oid("z"), 0, 0));
    }

    @Test
    void badInputIsRejectedAndChangesNothing() {
        ObjectId o = oid("victim");
        store.apply(new Transaction().write(C, o, 0, utf8("intact")));
        StatFs before = store.statfs();
        long max = StoreLimits.OSD_MAX_OBJECT_SIZE_DEFAULT;
        List<Transaction> bad = List.of(
                new Transaction().write(C, o, max, utf8("x")),
                new Transaction().write(C, o, -1, utf8("x")),
                new Transaction().zero(C, o, 0, max + 1),
                new Transaction().truncate(C, o, -5),
                new Transaction().truncate(C, o, max + 1),
                new Transaction().setAttr(C, o, "n".repeat(200), utf8("v")),
                new Transaction().setAttr(C, o, "big", new byte[(64 << 10) + 1]),
                new Transaction().omapSetKeys(C, o, Map.of("k".repeat(300), utf8("v"))),
                new Transaction().clone(C, o, o),
                new Transaction().cloneRange(C, o, o, 0, 1, 10),
                new Transaction().write(C, o, 0, utf8("x")).touch(CollectionId.of("nope"), o));
        for (Transaction t : bad) {
            ObjectStoreException e = assertThrows(ObjectStoreException.class, () -> store.apply(t));
            assertFalse(e.getMessage().isBlank());
        }
        assertThrows(ObjectStoreException.InvalidArgument.class, () -> store.read(C, o, -1, 10));
        assertThrows(ObjectStoreException.InvalidArgument.class, () -> store.read(C, o, 0, max + 1));
        assertThrows(ObjectStoreException.InvalidArgument.class, () -> ObjectId.head("", 0));
        assertThrows(ObjectStoreException.InvalidArgument.class, () -> ObjectId.head("n".repeat(300), 0));
        assertArrayEquals(utf8("intact"), store.read(C, o, 0, 0));
        assertEquals(before, store.statfs());
    }

    @Test
    void fillingToTheFullRatioRefusesWritesButDeletesStillWork() {
        store.close();
        store = newStore(1 << 20);
        store.apply(new Transaction().createCollection(C, HashRange.ALL));
        StatFs empty = store.statfs();
        long limit = (long) Math.floor(empty.totalBytes() * StoreLimits.OSD_FAILSAFE_FULL_RATIO_DEFAULT);
        int written = 0;
        ObjectStoreException.NoSpace refused = null;
        for (int i = 0; i < 1000 && refused == null; i++) {
            try {
                store.apply(new Transaction().write(C, oid("f" + i), 0, new byte[8 * UNIT]));
                written++;
            } catch (ObjectStoreException.NoSpace e) {
                refused = e;
            }
        }
        assertTrue(refused != null, "writes must eventually fail with no-space");
        StatFs full = store.statfs();
        assertEquals((long) written * 8 * UNIT, full.allocatedBytes());
        assertEquals((long) written * 8 * UNIT, full.storedBytes());
        assertTrue(full.allocatedBytes() <= limit, "never past the full ratio");
        assertTrue(full.allocatedBytes() + 8 * UNIT > limit, "refused only when it would not fit");
        assertFalse(store.exists(C, oid("f" + written)), "the refused write changed nothing");
        // A small write that still fits goes through until the ratio is reached; then only deletes.
        while (true) {
            try {
                store.apply(new Transaction().write(C, oid("small" + store.statfs().allocatedBytes()), 0, new byte[UNIT]));
            } catch (ObjectStoreException.NoSpace e) {
                break;
            }
        }
        long allocated = store.statfs().allocatedBytes();
        store.apply(new Transaction().remove(C, oid("f0")).remove(C, oid("f1")));
        assertEquals(allocated - 16 * UNIT, store.statfs().allocatedBytes(), "deletes give the space back");
        store.apply(new Transaction().write(C, oid("again"), 0, new byte[8 * UNIT]));
        assertArrayEquals(new byte[8 * UNIT], store.read(C, oid("again"), 0, 0));
    }

    @Test
    void reservationsHoldSpaceAndReleaseExactlyOnce() {
        StatFs before = store.statfs();
        Reservation r = store.reserve(10 * UNIT);
        assertEquals(before.availableBytes() - 10 * UNIT, store.statfs().availableBytes());
        assertEquals(10L * UNIT, store.statfs().reservedBytes());
        r.release();
        assertEquals(before, store.statfs());
        IllegalStateException e = assertThrows(IllegalStateException.class, r::release);
        assertTrue(e.getMessage().contains("twice"));
        assertEquals(before, store.statfs(), "a double release changes nothing");

        assertThrows(ObjectStoreException.NoSpace.class, () -> store.reserve(before.totalBytes()));
        Reservation big = store.reserve(before.availableBytes() - (long) (0.03 * before.totalBytes()) - 4 * UNIT);
        assertThrows(ObjectStoreException.NoSpace.class,
                () -> store.apply(new Transaction().write(C, oid("w"), 0, new byte[8 * UNIT])),
                "space reserved by others is not available");
        Reservation mine = big;
        store.apply(new Transaction().write(C, oid("w"), 0, new byte[8 * UNIT]).useReservation(mine));
        assertTrue(mine.released(), "the store released the reservation the transaction used");
        assertEquals(0, store.statfs().reservedBytes());
        assertEquals(8L * UNIT, store.statfs().allocatedBytes());
    }
}
