package io.cairn.osd.pg;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.osdmap.PgId;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.Transaction;
import io.cairn.proto.v1.ObjectLocator;
import io.cairn.proto.v1.ObjectState;
import io.cairn.proto.v1.OsdServiceGrpc;
import io.cairn.proto.v1.PullReply;
import io.cairn.proto.v1.PullRequest;
import io.cairn.proto.v1.PushObject;
import io.cairn.proto.v1.PushRequest;
import io.cairn.proto.v1.RepOpReply;
import java.util.function.Consumer;

/**
 * Copies one object with its clones from a source (this store or a member's, piece by piece over
 * Pull) to a sink (this store or a member, over Push): in one message when the head and its
 * clones fit {@code maxBytes}, otherwise every clone and then the head, at most {@code maxBytes}
 * of data a message, so neither end ever holds more than one piece.
 */
public final class ObjectTransfer {
    /** Gives the piece of clone {@code snap} (0: the head) from {@code offset}, as {@link ObjectPieces#read}. */
    @FunctionalInterface
    public interface Source {
        ObjectState piece(long snap, long offset);
    }

    /** Takes a piece (or, for an object sent whole, the whole state with snap 0). */
    @FunctionalInterface
    public interface Sink {
        void accept(long snap, ObjectState piece);
    }

    private ObjectTransfer() {}

    /** This member's copy of {@code head}, {@code maxBytes} of data a piece. */
    public static Source local(PgCopies copies, CollectionId coll, ObjectId head, long maxBytes) {
        return (snap, offset) -> copies.pieces().read(coll, head, snap, offset, maxBytes);
    }

    /** {@code osd}'s copy of the object, pulled a piece at a time. */
    public static Source pulled(OsdServiceGrpc.OsdServiceBlockingStub stub, int osd, PgId pg, ObjectLocator oloc,
                                long maxBytes) {
        return (snap, offset) -> {
            PullReply r = stub.pull(PullRequest.newBuilder().setPool(pg.pool()).setSeed(pg.seed()).setOloc(oloc)
                    .setSnap(snap).setOffset(offset).setMaxBytes(maxBytes).build());
            check(r.getCode(), r.getMessage(), osd);
            return r.getState();
        };
    }

    /** Into this member's copy: each piece in its own transaction, which {@code commit} applies. */
    public static Sink stored(PgCopies copies, CollectionId coll, ObjectId head, Consumer<Transaction> commit) {
        return (snap, piece) -> {
            Transaction txn = new Transaction();
            if (piece.getPiece()) {
                copies.pieces().write(txn, coll, head, snap, piece);
            } else {
                copies.write(txn, coll, head, piece);
            }
            commit.accept(txn);
        };
    }

    /** Into {@code osd}'s copy of {@code pg}, pushed from {@code epoch}'s interval. */
    public static Sink pushed(OsdServiceGrpc.OsdServiceBlockingStub stub, int osd, int epoch, PgId pg,
                              ObjectLocator oloc, boolean repair) {
        return (snap, piece) -> {
            RepOpReply r = stub.push(PushRequest.newBuilder().setEpoch(epoch).setPool(pg.pool()).setSeed(pg.seed())
                    .setObject(PushObject.newBuilder().setOloc(oloc).setState(piece).setSnap(snap).setRepair(repair))
                    .build());
            check(r.getCode(), r.getMessage(), osd);
        };
    }

    /** A member's refusal fails the copy, to be tried again (EAGAIN), with the member's own words. */
    private static void check(int code, String message, int osd) {
        if (code != 0) {
            throw new CairnException(ErrorCode.EAGAIN, "osd." + osd + ": " + message);
        }
    }

    /** What one copy sent: its data bytes and the messages they took (1: the object went whole). */
    public record Copied(long bytes, int messages) {}

    /** Copies the object. A source that changes meanwhile fails it (EAGAIN). */
    public static Copied copy(Source from, Sink to) {
        ObjectState first = from.piece(0, 0);
        if (!first.getPiece()) {
            to.accept(0, first);
            return new Copied(first.getData().size()
                    + first.getClonesList().stream().mapToLong(c -> c.getState().getData().size()).sum(), 1);
        }
        int[] messages = {0};
        Sink counted = (snap, piece) -> {
            to.accept(snap, piece);
            messages[0]++;
        };
        long bytes = 0;
        for (long snap : first.getCloneSnapsList()) {
            bytes += send(from, counted, snap, from.piece(snap, 0));
        }
        bytes += send(from, counted, 0, first);
        return new Copied(bytes, messages[0]);
    }

    private static long send(Source from, Sink to, long snap, ObjectState first) {
        long size = first.getSizeBytes();
        ObjectState p = first;
        long offset = 0;
        // every piece but the last carries data, so this many pieces always suffice
        for (long pieces = 0; pieces <= size; pieces++) {
            if (!p.getPiece() || p.getDataOffset() != offset || p.getSizeBytes() != size) {
                throw new CairnException(ErrorCode.EAGAIN, "object changed while it was copied");
            }
            to.accept(snap, p);
            offset += p.getData().size();
            if (offset >= size) {
                return size;
            }
            if (p.getData().isEmpty()) {
                throw new CairnException(ErrorCode.EAGAIN, "an empty piece at " + offset + " of " + size + " bytes");
            }
            p = from.piece(snap, offset);
        }
        throw new IllegalStateException("unreachable: a piece loop past its bound");
    }
}
