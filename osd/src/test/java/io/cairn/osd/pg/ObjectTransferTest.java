package io.cairn.osd.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.HashRange;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.StoreLimits;
import io.cairn.objectstore.Transaction;
import io.cairn.objectstore.mem.MemStore;
import io.cairn.osd.snap.SnapMapper;
import io.cairn.osd.snap.SnapObjects;
import io.cairn.proto.v1.ObjectState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An object with clones copied between two members' stores in pieces: the copy equals the source
 * byte for byte (data, attrs, omap, clones, snap index), clones the source no longer has go, a
 * copy cut short leaves the old object whole, and pieces out of order or from a changing source
 * are refused.
 */
class ObjectTransferTest {
    private static final CollectionId COLL = CollectionId.of("1.0");
    private static final ObjectId HEAD = new ObjectId("obj", "", ObjectId.HEAD, 0x1234);
    private static final long CHUNK = 64 << 10;

    private final Random random = new Random(16);
    private MemStore source;
    private MemStore target;
    private PgCopies from;
    private PgCopies to;

    @BeforeEach
    void setUp() {
        source = store();
        target = store();
        from = new PgCopies(source, () -> CHUNK);
        to = new PgCopies(target, () -> CHUNK);
    }

    private static MemStore store() {
        MemStore s = new MemStore(256L << 20, 4096, StoreLimits.DEFAULT);
        s.mount();
        s.queueTransactions(List.of(new Transaction().createCollection(COLL, HashRange.ALL).touch(COLL, PgCopies.PGMETA)))
                .join();
        return s;
    }

    private void put(MemStore store, int headBytes, Map<Long, Integer> clones, String tag) {
        SnapObjects.put(store, COLL, HEAD, headBytes, clones, tag, random);
    }

    private ObjectTransfer.Copied copy(List<ObjectState> sent) {
        ObjectTransfer.Sink into = ObjectTransfer.stored(to, COLL, HEAD, txn -> target.queueTransactions(List.of(txn)).join());
        return ObjectTransfer.copy(ObjectTransfer.local(from, COLL, HEAD, CHUNK), (snap, p) -> {
            sent.add(p);
            into.accept(snap, p);
        });
    }

    @Test
    void aLargeObjectWithClonesArrivesInPiecesAndEqualsTheSource() {
        put(source, 300 << 10, Map.of(3L, 200 << 10, 5L, 250 << 10, 7L, 0), "new");
        // the target holds an older copy: a clone the source trimmed (1), one it replaced (5), and a stale temp
        put(target, 100 << 10, Map.of(1L, 10 << 10, 5L, 70 << 10), "old");
        ObjectId staleTemp = ObjectPieces.tempOf(new ObjectId("other", "", ObjectId.HEAD, 7));
        target.queueTransactions(List.of(new Transaction().touch(COLL, staleTemp))).join();

        List<ObjectState> sent = new ArrayList<>();
        ObjectTransfer.Copied copied = copy(sent);

        assertEquals(new ObjectTransfer.Copied((300 + 200 + 250) << 10, sent.size()), copied);
        assertTrue(sent.stream().allMatch(p -> p.getPiece() && p.getData().size() <= CHUNK));
        assertEquals(4 + 4 + 1 + 5, sent.size(), "each clone and the head in pieces of at most 64 KiB");
        assertEquals(from.read(COLL, HEAD), to.read(COLL, HEAD), "head, attrs, omap and every clone, byte for byte");
        assertEquals(List.of(3L, 5L, 7L), to.clonesOf(COLL, HEAD).stream().map(ObjectId::snap).toList());
        // clones 3 (snaps 2, 3), 5 (4, 5) and 7 (6, 7) serve snaps 2..7; the trimmed clone 1 served 0 and 1
        for (long snap = 0; snap <= 8; snap++) {
            assertEquals(snap >= 2 && snap <= 7 ? List.of(HEAD) : List.of(), SnapMapper.heads(target, COLL, snap, 10),
                    "snap index at " + snap);
        }
        assertEquals(List.of(staleTemp), to.pieces().temps(COLL), "only the stale temp is left");
        to.pieces().clearTemps(COLL);
        assertTrue(to.pieces().temps(COLL).isEmpty());
        assertEquals(from.statsOf(COLL, HEAD)[1], to.statsOf(COLL, HEAD)[1]);
    }

    @Test
    void aCopyCutShortLeavesTheOldObjectWholeAndARetryCompletesIt() {
        put(target, 100 << 10, Map.of(2L, 50 << 10), "old");
        ObjectState old = to.read(COLL, HEAD);
        put(source, 400 << 10, Map.of(2L, 50 << 10, 4L, 300 << 10), "new");
        ObjectTransfer.Sink into = ObjectTransfer.stored(to, COLL, HEAD, txn -> target.queueTransactions(List.of(txn)).join());
        int[] pieces = {0};
        assertThrows(IllegalStateException.class, () -> ObjectTransfer.copy(ObjectTransfer.local(from, COLL, HEAD, CHUNK),
                (snap, p) -> {
                    if (++pieces[0] == 4) {
                        throw new IllegalStateException("the peer went away");
                    }
                    into.accept(snap, p);
                }));
        // clone 2 landed (the source's; one piece), clone 4 is two pieces into its temp object
        assertEquals(old.getData(), to.read(COLL, HEAD).getData(), "the head is the old one");
        assertEquals(old.getAttrsMap(), to.read(COLL, HEAD).getAttrsMap());
        assertFalse(to.pieces().temps(COLL).isEmpty());
        assertEquals(List.of(2L), to.clonesOf(COLL, HEAD).stream().map(ObjectId::snap).toList());

        copy(new ArrayList<>());
        assertEquals(from.read(COLL, HEAD), to.read(COLL, HEAD));
        assertTrue(to.pieces().temps(COLL).isEmpty(), "the retry reused and renamed the temps");
    }

    @Test
    void anObjectThatFitsTravelsWholeInOneMessage() {
        put(source, 10 << 10, Map.of(3L, 20 << 10), "small");
        put(target, 1 << 10, Map.of(1L, 1 << 10, 3L, 1 << 10), "old");
        List<ObjectState> sent = new ArrayList<>();
        copy(sent);
        assertEquals(1, sent.size());
        assertFalse(sent.get(0).getPiece());
        assertEquals(1, sent.get(0).getClonesCount());
        assertEquals(from.read(COLL, HEAD), to.read(COLL, HEAD));
    }

    @Test
    void aPieceThatDoesNotContinueTheTempObjectIsRefused() {
        put(source, 300 << 10, Map.of(), "new");
        ObjectState second = from.pieces().read(COLL, HEAD, 0, CHUNK, CHUNK);
        assertEquals(CHUNK, second.getDataOffset());
        CairnException e = assertThrows(CairnException.class,
                () -> to.pieces().write(new Transaction(), COLL, HEAD, 0, second));
        assertEquals(ErrorCode.EAGAIN, e.code());
        CairnException bad = assertThrows(CairnException.class, () -> to.pieces().write(new Transaction(), COLL, HEAD, 0,
                second.toBuilder().setDataOffset(0).setSizeBytes(10).build()));
        assertEquals(ErrorCode.EINVAL, bad.code(), "a piece past its own size");
    }

    @Test
    void aSourceThatChangesSizeMidwayFailsTheCopy() {
        put(source, 300 << 10, Map.of(), "new");
        ObjectTransfer.Source local = ObjectTransfer.local(from, COLL, HEAD, CHUNK);
        ObjectTransfer.Source shrinking = (snap, offset) -> {
            ObjectState p = local.piece(snap, offset);
            return offset == 0 ? p : p.toBuilder().setSizeBytes(p.getSizeBytes() - 1).build();
        };
        CairnException e = assertThrows(CairnException.class, () -> ObjectTransfer.copy(shrinking, (snap, p) -> { }));
        assertEquals(ErrorCode.EAGAIN, e.code());
    }
}
