package io.cairn.client;

import com.google.protobuf.ByteString;
import io.cairn.proto.v1.CmpOp;
import io.cairn.proto.v1.OpAssertExists;
import io.cairn.proto.v1.OpCmpXattr;
import io.cairn.proto.v1.OpGetXattr;
import io.cairn.proto.v1.OpGetXattrs;
import io.cairn.proto.v1.OpOmapGetHeader;
import io.cairn.proto.v1.OpOmapGetKeys;
import io.cairn.proto.v1.OpOmapGetVals;
import io.cairn.proto.v1.OpOmapGetValsByKeys;
import io.cairn.proto.v1.OpRead;
import io.cairn.proto.v1.OpStat;
import io.cairn.proto.v1.OsdOp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** A compound read on one object, as librados's ObjectReadOperation; results come back in op order. */
public final class ObjectReadOperation {
    private final List<OsdOp> ops = new ArrayList<>();

    List<OsdOp> ops() {
        return List.copyOf(ops);
    }

    private ObjectReadOperation add(OsdOp op) {
        ops.add(op);
        return this;
    }

    /** Reads {@code length} bytes at {@code offset} (0 = to the end). */
    public ObjectReadOperation read(long offset, long length) {
        return add(OsdOp.newBuilder().setRead(OpRead.newBuilder().setOffset(offset).setLength(length)).build());
    }

    public ObjectReadOperation stat() {
        return add(OsdOp.newBuilder().setStat(OpStat.getDefaultInstance()).build());
    }

    public ObjectReadOperation getXattr(String name) {
        return add(OsdOp.newBuilder().setGetxattr(OpGetXattr.newBuilder().setName(name)).build());
    }

    public ObjectReadOperation getXattrs() {
        return add(OsdOp.newBuilder().setGetxattrs(OpGetXattrs.getDefaultInstance()).build());
    }

    public ObjectReadOperation omapGetKeys(String startAfter, int max) {
        return add(OsdOp.newBuilder().setOmapGetKeys(OpOmapGetKeys.newBuilder().setStartAfter(startAfter).setMax(max)).build());
    }

    public ObjectReadOperation omapGetVals(String startAfter, String prefix, int max) {
        return add(OsdOp.newBuilder().setOmapGetVals(OpOmapGetVals.newBuilder().setStartAfter(startAfter).setPrefix(prefix)
                .setMax(max)).build());
    }

    public ObjectReadOperation omapGetValsByKeys(Collection<String> keys) {
        return add(OsdOp.newBuilder().setOmapGetValsByKeys(OpOmapGetValsByKeys.newBuilder().addAllKeys(keys)).build());
    }

    public ObjectReadOperation omapGetHeader() {
        return add(OsdOp.newBuilder().setOmapGetHeader(OpOmapGetHeader.getDefaultInstance()).build());
    }

    public ObjectReadOperation assertExists() {
        return add(OsdOp.newBuilder().setAssertExists(OpAssertExists.getDefaultInstance()).build());
    }

    public ObjectReadOperation cmpXattr(String name, CmpOp op, byte[] value) {
        return add(OsdOp.newBuilder().setCmpxattr(OpCmpXattr.newBuilder().setName(name).setOp(op)
                .setValue(ByteString.copyFrom(value))).build());
    }
}
