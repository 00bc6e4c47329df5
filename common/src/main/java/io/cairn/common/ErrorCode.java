package io.cairn.common;

/**
 * Error codes on the wire and in CLI replies, with the negative errno values Ceph uses so that
 * scripts written against Ceph read them the same way.
 */
public enum ErrorCode {
    OK(0),
    EPERM(-1),
    ENOENT(-2),
    EIO(-5),
    /** A write through a handle opened for reading. */
    EBADF(-9),
    EAGAIN(-11),
    EACCES(-13),
    EBUSY(-16),
    EEXIST(-17),
    EXDEV(-18),
    ENOTDIR(-20),
    EISDIR(-21),
    EINVAL(-22),
    ENOSPC(-28),
    EROFS(-30),
    ENODATA(-61),
    EOVERFLOW(-75),
    ERANGE(-34),
    ENAMETOOLONG(-36),
    ENOTEMPTY(-39),
    EFBIG(-27),
    EOLDSNAPC(-85),
    ENOTSUP(-95),
    /** No session: an MDS request before the client opened its session on the stream. */
    ENOTCONN(-107),
    /** The client's address is on the OSDMap's blocklist (fenced); Ceph's EBLOCKLISTED is ESHUTDOWN. */
    EBLOCKLISTED(-108),
    ETIMEDOUT(-110),
    ESTALE(-116),
    ECANCELED(-125);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ErrorCode of(int code) {
        for (ErrorCode e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return EIO;
    }
}
