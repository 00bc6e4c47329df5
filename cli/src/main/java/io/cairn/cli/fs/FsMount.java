package io.cairn.cli.fs;

import io.cairn.cli.admin.MonCall;
import io.cairn.client.Rados;
import io.cairn.client.RadosException;
import io.cairn.client.fs.CairnFs;
import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.UserInputException;
import io.cairn.proto.v1.Filesystem;
import io.cairn.proto.v1.FsMapData;
import picocli.CommandLine.Model.CommandSpec;

/** A mount for one CLI run: the file system named by {@code --fs}, or the only one there is. */
final class FsMount implements AutoCloseable {
    private final Rados rados;
    final CairnFs fs;

    private FsMount(Rados rados, CairnFs fs) {
        this.rados = rados;
        this.fs = fs;
    }

    static FsMount open(CommandSpec spec, String fsName) {
        Rados rados = MonCall.rados(spec);
        try {
            return new FsMount(rados, CairnFs.mount(rados, chooseName(rados.fsMap(), fsName)));
        } catch (RuntimeException e) {
            rados.close();
            throw e;
        }
    }

    static String chooseName(FsMapData map, String fsName) {
        if (fsName != null && !fsName.isEmpty()) {
            return fsName;
        }
        if (map.getFilesystemsCount() == 1) {
            return map.getFilesystems(0).getName();
        }
        if (map.getFilesystemsCount() == 0) {
            throw new CairnException(ErrorCode.ENOENT, "there is no file system (cairn fs new NAME METADATA_POOL DATA_POOL)");
        }
        throw new UserInputException("several file systems exist (" + String.join(", ", map.getFilesystemsList().stream()
                .map(Filesystem::getName).toList()) + "): name one with --fs");
    }

    /** The error a user reads for a failed operation on {@code path}, as coreutils words it. */
    static CairnException failure(String path, RadosException e) {
        String what = switch (e.code()) {
            case ENOENT -> "No such file or directory";
            case EEXIST -> "File exists";
            case ENOTDIR -> "Not a directory";
            case EISDIR -> "Is a directory";
            case ENOTEMPTY -> "Directory not empty";
            case EXDEV -> "Invalid cross-device link";
            case ENAMETOOLONG -> "File name too long";
            case EPERM -> "Operation not permitted";
            case EINVAL -> "Invalid argument";
            default -> e.getMessage();
        };
        return new CairnException(e.code(), path + ": " + what + (what.equals(e.getMessage()) ? "" : " (" + e.getMessage() + ")"));
    }

    @Override
    public void close() {
        fs.close();
        rados.close();
    }
}
