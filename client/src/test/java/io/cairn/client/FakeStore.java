package io.cairn.client;

import com.google.protobuf.ByteString;
import io.cairn.common.ErrorCode;
import io.cairn.proto.v1.OpReply;
import io.cairn.proto.v1.OpRequest;
import io.cairn.proto.v1.OpResult;
import io.cairn.proto.v1.OsdOp;
import java.util.HashMap;
import java.util.Map;

/**
 * Just enough of an OSD's objects for the client tests: data by name and one version counter, as
 * a PG's user version, bumped by every write. A request's ops apply in order; the first failing op
 * fails the request and applies nothing.
 */
final class FakeStore {
    private final Map<String, ByteString> objects = new HashMap<>();
    private long version;

    synchronized OpReply apply(OpRequest req) {
        String name = req.getOloc().getName();
        ByteString data = objects.get(name);
        boolean exists = data != null;
        boolean wrote = false;
        OpReply.Builder reply = OpReply.newBuilder().setEpoch(req.getEpoch());
        for (OsdOp op : req.getOpsList()) {
            switch (op.getOpCase()) {
                case WRITE_FULL -> data = op.getWriteFull().getData();
                case APPEND -> data = (exists ? data : ByteString.EMPTY).concat(op.getAppend().getData());
                case SETXATTR, RMXATTR, OMAP_SET, OMAP_RM -> data = exists ? data : ByteString.EMPTY;
                case REMOVE -> {
                    if (!exists) {
                        return failed(ErrorCode.ENOENT, name);
                    }
                    data = null;
                }
                case READ, STAT -> {
                    if (!exists) {
                        return failed(ErrorCode.ENOENT, name);
                    }
                    reply.addResults(OpResult.newBuilder().setData(op.getOpCase() == OsdOp.OpCase.READ ? data
                            : ByteString.EMPTY).setSize(data.size()));
                }
                default -> {
                    return failed(ErrorCode.EINVAL, "the fake OSD does not do " + op.getOpCase());
                }
            }
            wrote |= op.getOpCase() != OsdOp.OpCase.READ && op.getOpCase() != OsdOp.OpCase.STAT;
            exists = data != null;
        }
        if (wrote) {
            version++;
            if (data == null) {
                objects.remove(name);
            } else {
                objects.put(name, data);
            }
        }
        return reply.setVersion(version).build();
    }

    synchronized ByteString data(String name) {
        return objects.get(name);
    }

    private static OpReply failed(ErrorCode code, String message) {
        return OpReply.newBuilder().setCode(code.code()).setMessage(message).build();
    }
}
