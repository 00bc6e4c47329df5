package io.cairn.common.net;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps what a call can fail with to Cairn's wire codes, the same way in every daemon and client:
 * a {@link CairnException} keeps its code; a transport failure is EAGAIN when trying again
 * (elsewhere, or after a map refresh) may succeed, ETIMEDOUT for a deadline, EIO otherwise.
 */
public final class RpcErrors {
    private RpcErrors() {}

    /** The failure inside the wrappers futures put around it. */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        for (int i = 0; i < 16 && (c instanceof CompletionException || c instanceof ExecutionException)
                && c.getCause() != null; i++) {
            c = c.getCause();
        }
        return c;
    }

    /** The code of a gRPC status. */
    public static ErrorCode codeOf(Status status) {
        return switch (status.getCode()) {
            case OK -> ErrorCode.OK;
            case UNAVAILABLE, CANCELLED, ABORTED, RESOURCE_EXHAUSTED -> ErrorCode.EAGAIN;
            case DEADLINE_EXCEEDED -> ErrorCode.ETIMEDOUT;
            case NOT_FOUND -> ErrorCode.ENOENT;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> ErrorCode.EINVAL;
            case PERMISSION_DENIED, UNAUTHENTICATED -> ErrorCode.EPERM;
            case ALREADY_EXISTS -> ErrorCode.EEXIST;
            case UNIMPLEMENTED -> ErrorCode.ENOTSUP;
            default -> ErrorCode.EIO;
        };
    }

    /** True when the peer could not be reached or did not answer in time: another try may work. */
    public static boolean isTransient(Status status) {
        return switch (status.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> true;
            default -> false;
        };
    }

    /** The code of any failure: a Cairn error's own, a transport failure's, else EIO. */
    public static ErrorCode codeOf(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof CairnException ce) {
            return ce.code();
        }
        if (c instanceof io.grpc.StatusRuntimeException || c instanceof io.grpc.StatusException) {
            return codeOf(Status.fromThrowable(c));
        }
        return ErrorCode.EIO;
    }

    /** A message for any failure: its own, or its class's name. */
    public static String messageOf(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof io.grpc.StatusRuntimeException || c instanceof io.grpc.StatusException) {
            Status s = Status.fromThrowable(c);
            return s.getDescription() == null ? s.getCode().toString() : s.getCode() + ": " + s.getDescription();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
