package io.cairn.objectstore;

import io.cairn.common.Utf8Order;
import io.cairn.common.Invariants;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An ordered list of ops applied atomically: after {@code queueTransactions} completes, all of
 * them took effect; if it fails, none did, even across a crash. Build one, queue it once.
 */
public final class Transaction {
    /** Bounds the work one commit does. */
    public static final int OPS_MAX = 4096;

    private final List<Op> ops = new ArrayList<>();
    private Reservation reservation;

    public List<Op> ops() {
        return List.copyOf(ops);
    }

    public int size() {
        return ops.size();
    }

    /** True if every op only gives space back (accepted past the failsafe full ratio). */
    public boolean freesOnly() {
        return ops.stream().allMatch(Op::freesOnly);
    }

    /**
     * Lets this transaction use the space {@code r} holds. The store releases {@code r} when the
     * transaction completes, successfully or not; the caller must not release it again.
     */
    public Transaction useReservation(Reservation r) {
        Invariants.check(reservation == null, "a transaction takes at most one reservation");
        reservation = r;
        return this;
    }

    public Optional<Reservation> reservation() {
        return Optional.ofNullable(reservation);
    }

    public Transaction add(Op op) {
        if (ops.size() >= OPS_MAX) {
            throw new ObjectStoreException.InvalidArgument("transaction has more than " + OPS_MAX + " ops");
        }
        ops.add(op);
        return this;
    }

    public Transaction createCollection(CollectionId coll, HashRange range) {
        return add(new Op.CreateCollection(coll, range));
    }

    public Transaction removeCollection(CollectionId coll) {
        return add(new Op.RemoveCollection(coll));
    }

    public Transaction splitCollection(CollectionId source, int bits, int destValue, CollectionId dest) {
        return add(new Op.SplitCollection(source, bits, destValue, dest));
    }

    public Transaction touch(CollectionId coll, ObjectId oid) {
        return add(new Op.Touch(coll, oid));
    }

    /** Writes a copy of {@code data}: the caller may reuse its array at once. */
    public Transaction write(CollectionId coll, ObjectId oid, long offset, byte[] data) {
        return add(new Op.Write(coll, oid, offset, ByteBuffer.wrap(data.clone())));
    }

    /**
     * Writes {@code data}'s remaining bytes without copying them: the caller must not change them
     * until the transaction has completed (a protobuf {@code ByteString}'s read-only view is safe).
     */
    public Transaction write(CollectionId coll, ObjectId oid, long offset, ByteBuffer data) {
        return add(new Op.Write(coll, oid, offset, data));
    }

    public Transaction zero(CollectionId coll, ObjectId oid, long offset, long length) {
        return add(new Op.Zero(coll, oid, offset, length));
    }

    public Transaction truncate(CollectionId coll, ObjectId oid, long sizeBytes) {
        return add(new Op.Truncate(coll, oid, sizeBytes));
    }

    public Transaction remove(CollectionId coll, ObjectId oid) {
        return add(new Op.Remove(coll, oid));
    }

    public Transaction setAttr(CollectionId coll, ObjectId oid, String name, byte[] value) {
        TreeMap<String, byte[]> m = new TreeMap<>(Utf8Order.COMPARATOR);
        m.put(name, value);
        return add(new Op.SetAttrs(coll, oid, m));
    }

    public Transaction setAttrs(CollectionId coll, ObjectId oid, Map<String, byte[]> attrs) {
        TreeMap<String, byte[]> m = new TreeMap<>(Utf8Order.COMPARATOR);
        m.putAll(attrs);
        return add(new Op.SetAttrs(coll, oid, m));
    }

    public Transaction rmAttr(CollectionId coll, ObjectId oid, String name) {
        return add(new Op.RmAttrs(coll, oid, List.of(name)));
    }

    public Transaction rmAttrs(CollectionId coll, ObjectId oid, List<String> names) {
        return add(new Op.RmAttrs(coll, oid, names));
    }

    public Transaction clone(CollectionId coll, ObjectId source, ObjectId dest) {
        return add(new Op.Clone(coll, source, dest));
    }

    public Transaction cloneRange(CollectionId coll, ObjectId source, ObjectId dest, long sourceOffset,
                                  long length, long destOffset) {
        return add(new Op.CloneRange(coll, source, dest, sourceOffset, length, destOffset));
    }

    public Transaction omapSetKeys(CollectionId coll, ObjectId oid, Map<String, byte[]> entries) {
        SortedMap<String, byte[]> m = new TreeMap<>(Utf8Order.COMPARATOR);
        m.putAll(entries);
        return add(new Op.OmapSetKeys(coll, oid, m));
    }

    public Transaction omapRmKeys(CollectionId coll, ObjectId oid, List<String> keys) {
        return add(new Op.OmapRmKeys(coll, oid, keys));
    }

    public Transaction omapRmRange(CollectionId coll, ObjectId oid, String first, String last) {
        return add(new Op.OmapRmRange(coll, oid, first, last));
    }

    public Transaction omapClear(CollectionId coll, ObjectId oid) {
        return add(new Op.OmapClear(coll, oid));
    }

    public Transaction omapSetHeader(CollectionId coll, ObjectId oid, byte[] header) {
        return add(new Op.OmapSetHeader(coll, oid, header));
    }

    public Transaction moveRename(CollectionId sourceColl, ObjectId source, CollectionId destColl, ObjectId dest) {
        return add(new Op.MoveRename(sourceColl, source, destColl, dest));
    }
}
