package io.cairn.osd.peering;

/** One PG log entry: the version a mutation of one object was given, and whether it removed it. */
public record LogEntry(Eversion version, ObjectName object, boolean delete) { }
