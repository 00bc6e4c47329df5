package io.cairn.client;

/** What stat returns: size in bytes, modification time, and the object's version. */
public record ObjectInfo(long sizeBytes, long mtimeMs, long version) { }
