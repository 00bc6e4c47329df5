package io.cairn.mds;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import java.nio.charset.StandardCharsets;
import io.cairn.common.Utf8Order;
import java.util.Comparator;

/** What a dentry name may be, and the order directory listings follow. */
final class Names {
    /** POSIX NAME_MAX, in bytes of the name's UTF-8 form. */
    static final int NAME_MAX_BYTES = 255;
    /** POSIX PATH_MAX: the longest symlink target. */
    static final int SYMLINK_MAX_BYTES = 4096;

    /**
     * Names in code point order, which is the byte order of their UTF-8 form (the order an OSD
     * keeps omap keys in); String's own order differs for characters beyond the BMP.
     */
    static final Comparator<String> ORDER = Utf8Order.COMPARATOR;

    private Names() {}

    /** A name a new dentry may have: not empty, ".", "..", no '/' or NUL, at most 255 bytes. */
    static void check(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw CairnException.invalid("bad name '" + name + "'");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw CairnException.invalid("a name may not hold '/' or NUL: '" + name + "'");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX_BYTES) {
            throw new CairnException(ErrorCode.ENAMETOOLONG, "name longer than " + NAME_MAX_BYTES + " bytes");
        }
    }

    static void checkSymlinkTarget(String target) {
        if (target.isEmpty()) {
            throw CairnException.notFound("empty symlink target");
        }
        if (target.getBytes(StandardCharsets.UTF_8).length > SYMLINK_MAX_BYTES) {
            throw new CairnException(ErrorCode.ENAMETOOLONG, "symlink target longer than " + SYMLINK_MAX_BYTES
                    + " bytes");
        }
    }
}
