package io.cairn.osd.pg;

import com.google.protobuf.UnsafeByteOperations;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.objectstore.Transaction;
import io.cairn.osd.snap.SnapMapper;
import io.cairn.osd.snap.SnapSet;
import io.cairn.osd.snap.SnapSetCodec;
import io.cairn.proto.v1.ObjectState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's side of an object copied in pieces (recovery, backfill, repair), for objects that
 * do not fit one message with their clones: each clone, then the head, a piece of at most
 * {@code maxBytes} data at a time. The pieces of one store object go into a temp object, which
 * takes the object's place with the last piece, in that piece's transaction; so a copy cut short
 * leaves the old object as it was (and a temp object, cleared when the PG next activates). The
 * head comes last and drops the clones it no longer has, so once it lands the object and its
 * clones agree. Pieces of one object are read and written in order, by one copier at a time (the
 * caller holds the object's slot).
 */
public final class ObjectPieces {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectPieces.class);
    /** Temp objects live apart from client objects, at hash 0, so one listing finds them all. */
    static final String TEMP_NAMESPACE = ".cairn.temp";
    private static final int TEMP_PAGE = 64;

    private final ObjectStore store;
    private final PgCopies copies;

    public ObjectPieces(ObjectStore store, PgCopies copies) {
        this.store = store;
        this.copies = copies;
    }

    /**
     * The piece of {@code head}'s clone {@code snap} (0: the head itself) from {@code offset}. The
     * head's first piece is instead the whole object with its clones, as {@link PgCopies#read}
     * gives it, when they fit {@code maxBytes} together (or the head is not here).
     */
    public ObjectState read(CollectionId coll, ObjectId head, long snap, long offset, long maxBytes) {
        if (maxBytes <= 0 || offset < 0) {
            throw CairnException.invalid("piece of " + head.name() + " at " + offset + " of at most " + maxBytes + " bytes");
        }
        if (snap == 0 && offset == 0 && fitsWhole(coll, head, maxBytes)) {
            return copies.read(coll, head);
        }
        ObjectId target = snap == 0 ? head : head.withSnap(snap);
        if (!store.collectionExists(coll) || !store.exists(coll, target)) {
            throw new CairnException(ErrorCode.EAGAIN, head.name() + (snap == 0 ? "" : " clone " + snap)
                    + " went away while it was copied");
        }
        long size = store.stat(coll, target).sizeBytes();
        if (offset > size) {
            throw new CairnException(ErrorCode.EAGAIN, head.name() + " shrank to " + size + " while it was copied");
        }
        long n = Math.min(maxBytes, size - offset);
        ObjectState.Builder b = ObjectState.newBuilder().setExists(true).setPiece(true).setDataOffset(offset)
                .setSizeBytes(size);
        if (n > 0) {
            b.setData(UnsafeByteOperations.unsafeWrap(store.read(coll, target, offset, n)));
        }
        if (offset == 0) {
            copies.readMeta(b, coll, target);
        }
        if (snap == 0) {
            copies.clonesOf(coll, head).forEach(c -> b.addCloneSnaps(c.snap()));
        }
        return b.build();
    }

    private boolean fitsWhole(CollectionId coll, ObjectId head, long maxBytes) {
        if (!store.collectionExists(coll) || !store.exists(coll, head)) {
            return true;
        }
        long total = store.stat(coll, head).sizeBytes();
        for (ObjectId clone : copies.clonesOf(coll, head)) {
            total += store.stat(coll, clone).sizeBytes();
            if (total > maxBytes) {
                return false;
            }
        }
        return total <= maxBytes;
    }

    /**
     * Adds a piece of {@code head}'s clone {@code snap} (0: the head) to {@code txn}; true when it
     * is the head's last, so the whole object has landed. Pieces must come in order: one that does
     * not continue the temp object is refused (EAGAIN), and the copy starts over.
     */
    public boolean write(Transaction txn, CollectionId coll, ObjectId head, long snap, ObjectState piece) {
        if (!piece.getPiece() || !piece.getExists()) {
            throw CairnException.invalid("not a piece of " + head.name());
        }
        if (snap == ObjectId.HEAD || piece.getCloneSnapsList().stream().anyMatch(c -> c == 0 || c == ObjectId.HEAD)) {
            throw CairnException.invalid("piece of " + head.name() + " names a clone with the head's snap id");
        }
        long offset = piece.getDataOffset();
        long end = offset + piece.getData().size();
        if (end > piece.getSizeBytes() || end < offset) {
            throw CairnException.invalid("piece of " + head.name() + " ends at " + end + " past its size "
                    + piece.getSizeBytes());
        }
        ObjectId target = snap == 0 ? head : head.withSnap(snap);
        ObjectId temp = tempOf(target);
        if (offset == 0) {
            if (store.exists(coll, temp)) {
                txn.remove(coll, temp);
            }
            txn.touch(coll, temp);
            PgCopies.writeMeta(txn, coll, temp, piece);
        } else if (!store.exists(coll, temp) || store.stat(coll, temp).sizeBytes() != offset) {
            throw new CairnException(ErrorCode.EAGAIN, "piece of " + head.name() + " at " + offset
                    + " does not continue what came before");
        }
        if (!piece.getData().isEmpty()) {
            txn.write(coll, temp, offset, piece.getData().asReadOnlyByteBuffer());
        }
        if (end < piece.getSizeBytes()) {
            return false;
        }
        if (snap == 0) {
            Set<Long> kept = new HashSet<>(piece.getCloneSnapsList());
            for (ObjectId clone : copies.clonesOf(coll, head)) {
                if (!kept.contains(clone.snap())) {
                    txn.remove(coll, clone);
                }
            }
            SnapSet after = offset == 0 ? PgCopies.snapSetOf(piece) : SnapSetCodec.load(store, coll, temp);
            SnapMapper.update(txn, coll, head, copies.snapSet(coll, head), after);
        }
        if (store.exists(coll, target)) {
            txn.remove(coll, target);
        }
        txn.moveRename(coll, temp, coll, target);
        return snap == 0;
    }

    /**
     * Drops the temp objects of copies cut short, each in its own transaction: a copy still under
     * way may finish one first (its remove then fails, harmlessly), or find its temp gone and
     * start over.
     */
    public void clearTemps(CollectionId coll) {
        for (ObjectId temp : temps(coll)) {
            try {
                store.queueTransactions(List.of(new Transaction().remove(coll, temp))).join();
            } catch (CompletionException | ObjectStoreException e) {
                LOG.debug("{}: temp object {} went meanwhile: {}", coll, temp, e.toString());
            }
        }
    }

    /** The temp objects in a PG's copy (of copies under way or cut short). */
    public List<ObjectId> temps(CollectionId coll) {
        if (!store.collectionExists(coll)) {
            return List.of();
        }
        // temp names are hex digests, so this sorts before all of them
        return copies.listWhile(coll, new ObjectId("-", TEMP_NAMESPACE, ObjectId.HEAD, 0), TEMP_PAGE,
                o -> o.hash() == 0 && o.namespace().equals(TEMP_NAMESPACE));
    }

    /** Where the pieces of {@code target} gather: named by a digest, as names and namespaces can be long. */
    static ObjectId tempOf(ObjectId target) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(target.namespace().getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(target.name().getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(Long.toUnsignedString(target.snap()).getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(Integer.toHexString(target.hash()).getBytes(StandardCharsets.UTF_8));
            return new ObjectId(HexFormat.of().formatHex(d.digest()), TEMP_NAMESPACE, ObjectId.HEAD, 0);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
