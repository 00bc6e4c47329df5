package io.cairn.osd.peering;

/**
 * One PG log entry: the version a mutation of one object was given, whether it removed it, and
 * the client request that made it ("" for entries recovery wrote), so a resend is recognised by
 * whichever member becomes primary.
 */
public record LogEntry(Eversion version, ObjectName object, boolean delete, String reqid) {
    public LogEntry(Eversion version, ObjectName object, boolean delete) {
        this(version, object, delete, "");
    }
}
