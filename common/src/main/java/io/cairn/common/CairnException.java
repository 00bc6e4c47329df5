package io.cairn.common;

/** A failure with a wire error code: what a daemon answers and a client raises. */
public class CairnException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public CairnException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static CairnException invalid(String message) {
        return new CairnException(ErrorCode.EINVAL, message);
    }

    public static CairnException notFound(String message) {
        return new CairnException(ErrorCode.ENOENT, message);
    }

    public static CairnException exists(String message) {
        return new CairnException(ErrorCode.EEXIST, message);
    }
}
