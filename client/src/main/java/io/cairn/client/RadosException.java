package io.cairn.client;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;

/**
 * What a failed client operation throws: a {@link CairnException} with the wire code, as a
 * subtype a caller can catch by meaning.
 */
public class RadosException extends CairnException {
    private static final long serialVersionUID = 1L;

    public RadosException(ErrorCode code, String message) {
        super(code, message);
    }

    /** The object (or pool, or xattr) does not exist. */
    public static final class NotFound extends RadosException {
        private static final long serialVersionUID = 1L;

        public NotFound(String message) {
            super(ErrorCode.ENOENT, message);
        }
    }

    /** An exclusive create found the object already there. */
    public static final class Exists extends RadosException {
        private static final long serialVersionUID = 1L;

        public Exists(String message) {
            super(ErrorCode.EEXIST, message);
        }
    }

    /** The cluster (or an OSD) is too full to take the write. */
    public static final class NoSpace extends RadosException {
        private static final long serialVersionUID = 1L;

        public NoSpace(String message) {
            super(ErrorCode.ENOSPC, message);
        }
    }

    /** The operation did not complete within the op timeout. */
    public static final class Timeout extends RadosException {
        private static final long serialVersionUID = 1L;

        public Timeout(String message) {
            super(ErrorCode.ETIMEDOUT, message);
        }
    }

    /** A guard (cmpxattr, omap cmp, assert_version) did not hold; nothing was applied. */
    public static final class GuardFailed extends RadosException {
        private static final long serialVersionUID = 1L;

        public GuardFailed(ErrorCode code, String message) {
            super(code, message);
        }
    }

    public static RadosException of(ErrorCode code, String message) {
        return switch (code) {
            case ENOENT, ENODATA -> code == ErrorCode.ENOENT ? new NotFound(message) : new RadosException(code, message);
            case EEXIST -> new Exists(message);
            case ENOSPC -> new NoSpace(message);
            case ETIMEDOUT -> new Timeout(message);
            case ECANCELED, ERANGE, EOVERFLOW -> new GuardFailed(code, message);
            default -> new RadosException(code, message);
        };
    }
}
