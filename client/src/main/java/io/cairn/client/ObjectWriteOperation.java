package io.cairn.client;

import com.google.protobuf.ByteString;
import io.cairn.proto.v1.CmpOp;
import io.cairn.proto.v1.OpAppend;
import io.cairn.proto.v1.OpAssertExists;
import io.cairn.proto.v1.OpAssertVersion;
import io.cairn.proto.v1.OpCmpXattr;
import io.cairn.proto.v1.OpCreate;
import io.cairn.proto.v1.OpOmapClear;
import io.cairn.proto.v1.OpOmapCmp;
import io.cairn.proto.v1.OpOmapRm;
import io.cairn.proto.v1.OpOmapSet;
import io.cairn.proto.v1.OpOmapSetHeader;
import io.cairn.proto.v1.OpRemove;
import io.cairn.proto.v1.OpRmXattr;
import io.cairn.proto.v1.OpSetXattr;
import io.cairn.proto.v1.OpTruncate;
import io.cairn.proto.v1.OpWrite;
import io.cairn.proto.v1.OpWriteFull;
import io.cairn.proto.v1.OpZero;
import io.cairn.proto.v1.OsdOp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A compound write on one object, applied atomically and in order, as librados's
 * ObjectWriteOperation: guards first fail the whole operation (nothing applied), then the
 * mutations.
 */
public final class ObjectWriteOperation {
    private final List<OsdOp> ops = new ArrayList<>();

    List<OsdOp> ops() {
        return List.copyOf(ops);
    }

    private ObjectWriteOperation add(OsdOp op) {
        ops.add(op);
        return this;
    }

    public ObjectWriteOperation create(boolean exclusive) {
        return add(OsdOp.newBuilder().setCreate(OpCreate.newBuilder().setExclusive(exclusive)).build());
    }

    public ObjectWriteOperation write(byte[] data, long offset) {
        return add(OsdOp.newBuilder().setWrite(OpWrite.newBuilder().setOffset(offset).setData(ByteString.copyFrom(data))).build());
    }

    public ObjectWriteOperation writeFull(byte[] data) {
        return add(OsdOp.newBuilder().setWriteFull(OpWriteFull.newBuilder().setData(ByteString.copyFrom(data))).build());
    }

    public ObjectWriteOperation append(byte[] data) {
        return add(OsdOp.newBuilder().setAppend(OpAppend.newBuilder().setData(ByteString.copyFrom(data))).build());
    }

    public ObjectWriteOperation truncate(long size) {
        return add(OsdOp.newBuilder().setTruncate(OpTruncate.newBuilder().setSize(size)).build());
    }

    public ObjectWriteOperation zero(long offset, long length) {
        return add(OsdOp.newBuilder().setZero(OpZero.newBuilder().setOffset(offset).setLength(length)).build());
    }

    public ObjectWriteOperation remove() {
        return add(OsdOp.newBuilder().setRemove(OpRemove.getDefaultInstance()).build());
    }

    public ObjectWriteOperation setXattr(String name, byte[] value) {
        return add(OsdOp.newBuilder().setSetxattr(OpSetXattr.newBuilder().setName(name).setValue(ByteString.copyFrom(value))).build());
    }

    public ObjectWriteOperation rmXattr(String name) {
        return add(OsdOp.newBuilder().setRmxattr(OpRmXattr.newBuilder().setName(name)).build());
    }

    public ObjectWriteOperation omapSet(Map<String, byte[]> entries) {
        OpOmapSet.Builder b = OpOmapSet.newBuilder();
        entries.forEach((k, v) -> b.putEntries(k, ByteString.copyFrom(v)));
        return add(OsdOp.newBuilder().setOmapSet(b).build());
    }

    public ObjectWriteOperation omapRmKeys(Collection<String> keys) {
        return add(OsdOp.newBuilder().setOmapRm(OpOmapRm.newBuilder().addAllKeys(keys)).build());
    }

    public ObjectWriteOperation omapClear() {
        return add(OsdOp.newBuilder().setOmapClear(OpOmapClear.getDefaultInstance()).build());
    }

    public ObjectWriteOperation omapSetHeader(byte[] header) {
        return add(OsdOp.newBuilder().setOmapSetHeader(OpOmapSetHeader.newBuilder().setHeader(ByteString.copyFrom(header))).build());
    }

    /** Guard: the xattr compares to {@code value} as {@code op} (bytes, unsigned lexicographic). */
    public ObjectWriteOperation cmpXattr(String name, CmpOp op, byte[] value) {
        return add(OsdOp.newBuilder().setCmpxattr(OpCmpXattr.newBuilder().setName(name).setOp(op)
                .setValue(ByteString.copyFrom(value))).build());
    }

    public ObjectWriteOperation assertExists() {
        return add(OsdOp.newBuilder().setAssertExists(OpAssertExists.getDefaultInstance()).build());
    }

    public ObjectWriteOperation assertVersion(long version) {
        return add(OsdOp.newBuilder().setAssertVersion(OpAssertVersion.newBuilder().setVersion(version)).build());
    }

    public ObjectWriteOperation omapCmp(String key, CmpOp op, byte[] value) {
        return add(OsdOp.newBuilder().setOmapCmp(OpOmapCmp.newBuilder().setKey(key).setOp(op)
                .setValue(ByteString.copyFrom(value))).build());
    }
}
