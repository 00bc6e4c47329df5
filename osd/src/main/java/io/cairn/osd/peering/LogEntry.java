package io.cairn.osd.peering;

import java.util.List;

/**
 * One PG log entry: the version a mutation of one object was given, whether it removed it, the
 * client request that made it ("" for entries recovery wrote), so a resend is recognised by
 * whichever member becomes primary, and its snapshot changes: the clone it made of the head first
 * (0: none) and the clones it removed.
 */
public record LogEntry(Eversion version, ObjectName object, boolean delete, String reqid, long cloneMade,
                       List<Long> clonesRemoved) {
    public LogEntry {
        clonesRemoved = List.copyOf(clonesRemoved);
    }

    public LogEntry(Eversion version, ObjectName object, boolean delete, String reqid) {
        this(version, object, delete, reqid, 0, List.of());
    }

    public LogEntry(Eversion version, ObjectName object, boolean delete) {
        this(version, object, delete, "");
    }
}
