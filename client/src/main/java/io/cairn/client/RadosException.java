package io.cairn.client;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.Invariants;

/**
 * What a failed client operation throws: a {@link CairnException} with the wire code, always as
 * one of the final subtypes below, so a caller can catch by meaning and a {@code switch} over a
 * caught exception can be exhaustive. {@link #of} is the one mapping from wire codes; because it
 * switches over every {@link ErrorCode} without a default, a code added to common fails the build
 * here until it is given a type.
 */
public abstract sealed class RadosException extends CairnException {
    private static final long serialVersionUID = 1L;

    private RadosException(ErrorCode code, String message) {
        super(code, message);
    }

    /** The exception a wire code means; {@code code} is a failure, never {@link ErrorCode#OK}. */
    public static RadosException of(ErrorCode code, String message) {
        Invariants.check(code != null && code != ErrorCode.OK, "a RadosException needs a failure code, not %s", code);
        return switch (code) {
            case ENOENT -> new NotFound(message);
            case ENODATA -> new NoData(message);
            case EEXIST -> new Exists(message);
            case ENOSPC -> new NoSpace(message);
            case ETIMEDOUT -> new Timeout(message);
            case ECANCELED, ERANGE, EOVERFLOW -> new GuardFailed(code, message);
            case EINVAL -> new InvalidArgument(message);
            case EPERM, EACCES -> new PermissionDenied(code, message);
            case EFBIG -> new TooLarge(message);
            case EIO -> new IoError(message);
            case EBLOCKLISTED -> new Blocklisted(message);
            // OK is refused above; the rest have no meaning of their own to a caller yet
            case OK, EAGAIN, EBUSY, ENOTEMPTY, ENOTSUP, ESTALE, EOLDSNAPC, EROFS, EXDEV, ENOTDIR, EISDIR, ENAMETOOLONG,
                 ENOTCONN, EBADF ->
                    new Other(code, message);
        };
    }

    /** The object, pool or PG does not exist (ENOENT). */
    public static final class NotFound extends RadosException {
        private static final long serialVersionUID = 1L;

        public NotFound(String message) {
            super(ErrorCode.ENOENT, message);
        }
    }

    /** The object exists but the xattr or omap key asked for does not (ENODATA). */
    public static final class NoData extends RadosException {
        private static final long serialVersionUID = 1L;

        public NoData(String message) {
            super(ErrorCode.ENODATA, message);
        }
    }

    /** An exclusive create found the object already there (EEXIST). */
    public static final class Exists extends RadosException {
        private static final long serialVersionUID = 1L;

        public Exists(String message) {
            super(ErrorCode.EEXIST, message);
        }
    }

    /** The cluster (or an OSD) is too full to take the write (ENOSPC). */
    public static final class NoSpace extends RadosException {
        private static final long serialVersionUID = 1L;

        public NoSpace(String message) {
            super(ErrorCode.ENOSPC, message);
        }
    }

    /** The operation did not complete within the op timeout, resends included (ETIMEDOUT). */
    public static final class Timeout extends RadosException {
        private static final long serialVersionUID = 1L;

        public Timeout(String message) {
            super(ErrorCode.ETIMEDOUT, message);
        }
    }

    /**
     * A guard (cmpxattr and omap cmp: ECANCELED; assert_version: ERANGE when the object is newer
     * than asserted, EOVERFLOW when older) did not hold; nothing was applied.
     */
    public static final class GuardFailed extends RadosException {
        private static final long serialVersionUID = 1L;

        private GuardFailed(ErrorCode code, String message) {
            super(code, message);
        }
    }

    /** The request was malformed or named something impossible (EINVAL). */
    public static final class InvalidArgument extends RadosException {
        private static final long serialVersionUID = 1L;

        public InvalidArgument(String message) {
            super(ErrorCode.EINVAL, message);
        }
    }

    /** This client may not do that (EPERM, EACCES). */
    public static final class PermissionDenied extends RadosException {
        private static final long serialVersionUID = 1L;

        private PermissionDenied(ErrorCode code, String message) {
            super(code, message);
        }
    }

    /** The write or the object would exceed the size an OSD accepts (EFBIG). */
    public static final class TooLarge extends RadosException {
        private static final long serialVersionUID = 1L;

        public TooLarge(String message) {
            super(ErrorCode.EFBIG, message);
        }
    }

    /**
     * This client's address is on the OSDMap's blocklist (EBLOCKLISTED): it was fenced, typically
     * evicted by an MDS, and every OSD refuses its ops. Never retried; a new handle (a new address)
     * is the way back.
     */
    public static final class Blocklisted extends RadosException {
        private static final long serialVersionUID = 1L;

        public Blocklisted(String message) {
            super(ErrorCode.EBLOCKLISTED, message);
        }
    }

    /** The OSD or the transport failed in a way a resend would not fix (EIO). */
    public static final class IoError extends RadosException {
        private static final long serialVersionUID = 1L;

        public IoError(String message) {
            super(ErrorCode.EIO, message);
        }
    }

    /** Any other code (EBUSY, ENOTEMPTY, ENOTSUP, ...); {@link #code()} says which. */
    public static final class Other extends RadosException {
        private static final long serialVersionUID = 1L;

        private Other(ErrorCode code, String message) {
            super(code, message);
        }
    }
}
