package io.cairn.mon;

import io.cairn.common.CairnException;
import io.cairn.common.ErrorCode;
import io.cairn.common.cli.Json;
import io.cairn.common.osdmap.OsdMap;
import io.cairn.proto.v1.CommandReply;

/**
 * What a command produced: an error, or output (JSON-able value and plain text) and, for a write
 * that changed something, the next OSDMap or the next FsMap.
 */
record CommandResult(ErrorCode code, String message, Object json, String plain, OsdMap newMap, FsMap newFsMap) {
    CommandResult(ErrorCode code, String message, Object json, String plain, OsdMap newMap) {
        this(code, message, json, plain, newMap, null);
    }

    /** A read's output; with no plain form (JSON-only views) people get indented JSON, as in Ceph. */
    static CommandResult ok(Object json, String plain) {
        String text = plain != null ? plain : json == null ? "" : Json.write(json, true) + "\n";
        return new CommandResult(ErrorCode.OK, "", json, text, null);
    }

    /** A write that found nothing to change: success, the map as it was, and why. */
    static CommandResult noop(String message) {
        return new CommandResult(ErrorCode.OK, message, null, "", null);
    }

    static CommandResult changed(OsdMap newMap, String message) {
        return new CommandResult(ErrorCode.OK, message, null, "", newMap);
    }

    static CommandResult changed(OsdMap newMap, String message, Object json, String plain) {
        return new CommandResult(ErrorCode.OK, message, json, plain, newMap);
    }

    /** A file-system command that made the next FsMap epoch (the OSDMap is unchanged). */
    static CommandResult fsChanged(FsMap newFsMap, String message) {
        return new CommandResult(ErrorCode.OK, message, null, "", null, newFsMap);
    }

    static CommandResult error(CairnException e) {
        return new CommandResult(e.code(), e.getMessage(), null, "", null);
    }

    /** The reply, stamped with the epoch the monitor is at after the command. */
    CommandReply toReply(int epoch) {
        CommandReply.Builder b = CommandReply.newBuilder().setCode(code.code()).setMessage(message)
                .setEpoch(newMap != null ? newMap.epoch() : epoch).setOutputPlain(plain == null ? "" : plain);
        if (json != null) {
            b.setOutputJson(Json.write(json, false));
        }
        return b.build();
    }
}
