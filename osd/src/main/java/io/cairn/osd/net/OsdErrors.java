package io.cairn.osd.net;

import io.cairn.common.ErrorCode;
import io.cairn.common.net.RpcErrors;
import io.cairn.objectstore.ObjectStoreException;
import io.cairn.proto.v1.OpReply;

/**
 * The OSD's failures as wire codes: Cairn errors keep theirs, the store's map to the errno a
 * librados user expects (ENOSPC for a full store, never a generic EIO), transport failures as
 * {@link RpcErrors} maps them.
 */
public final class OsdErrors {
    private OsdErrors() {}

    public static ErrorCode codeOf(Throwable t) {
        Throwable c = RpcErrors.unwrap(t);
        return switch (c) {
            case ObjectStoreException.NoSpace e -> ErrorCode.ENOSPC;
            case ObjectStoreException.InvalidArgument e -> ErrorCode.EINVAL;
            case ObjectStoreException.NoSuchObject e -> ErrorCode.ENOENT;
            case ObjectStoreException.Busy e -> ErrorCode.EAGAIN;
            default -> RpcErrors.codeOf(c);
        };
    }

    public static String messageOf(Throwable t) {
        return RpcErrors.messageOf(t);
    }

    public static OpReply opError(ErrorCode code, String message, int epoch) {
        return OpReply.newBuilder().setCode(code.code()).setMessage(message).setEpoch(epoch).build();
    }
}
