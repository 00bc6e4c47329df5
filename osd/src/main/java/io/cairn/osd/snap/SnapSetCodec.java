package io.cairn.osd.snap;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.common.IntervalSet;
import io.cairn.objectstore.CollectionId;
import io.cairn.objectstore.ObjectId;
import io.cairn.objectstore.ObjectStore;
import io.cairn.proto.v1.CloneInfo;
import io.cairn.proto.v1.Extent;
import io.cairn.proto.v1.SnapSetInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** SnapSets and snap contexts to and from their wire and on-disk form. */
public final class SnapSetCodec {
    /** The head's store attr holding its SnapSet. */
    public static final String ATTR = "ss";

    private SnapSetCodec() {}

    public static SnapSetInfo toProto(SnapSet ss) {
        SnapSetInfo.Builder b = SnapSetInfo.newBuilder().setSeq(ss.seq()).setHeadWhiteout(ss.headWhiteout());
        for (SnapSet.Clone c : ss.clones()) {
            b.addClones(cloneInfo(c.id(), c.snaps(), c.overlap(), c.sizeBytes()));
        }
        return b.build();
    }

    public static CloneInfo cloneInfo(long id, List<Long> snaps, IntervalSet overlap, long sizeBytes) {
        CloneInfo.Builder b = CloneInfo.newBuilder().setId(id).addAllSnaps(snaps).setSize(sizeBytes);
        overlap.runs().forEach((o, l) -> b.addOverlap(Extent.newBuilder().setOffset(o).setLength(l)));
        return b.build();
    }

    public static SnapSet fromProto(SnapSetInfo p) {
        List<SnapSet.Clone> clones = new ArrayList<>();
        for (CloneInfo c : p.getClonesList()) {
            TreeMap<Long, Long> runs = new TreeMap<>();
            c.getOverlapList().forEach(e -> runs.merge(e.getOffset(), e.getLength(), Math::max));
            clones.add(new SnapSet.Clone(c.getId(), c.getSnapsList(), IntervalSet.of(runs), c.getSize()));
        }
        return new SnapSet(p.getSeq(), clones, p.getHeadWhiteout());
    }

    /** A stored head's SnapSet: empty when it has none or is not there. */
    public static SnapSet load(ObjectStore store, CollectionId coll, ObjectId head) {
        if (!store.exists(coll, head)) {
            return SnapSet.EMPTY;
        }
        return store.getAttr(coll, head, ATTR).map(SnapSetCodec::decode).orElse(SnapSet.EMPTY);
    }

    public static byte[] encode(SnapSet ss) {
        return toProto(ss).toByteArray();
    }

    public static SnapSet decode(byte[] b) {
        try {
            return fromProto(SnapSetInfo.parseFrom(b));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt snapset", e);
        }
    }

    public static SnapContext fromProto(io.cairn.proto.v1.SnapContext p) {
        return new SnapContext(p.getSeq(), p.getSnapsList());
    }

    public static io.cairn.proto.v1.SnapContext toProto(SnapContext c) {
        return io.cairn.proto.v1.SnapContext.newBuilder().setSeq(c.seq()).addAllSnaps(c.snaps()).build();
    }
}
