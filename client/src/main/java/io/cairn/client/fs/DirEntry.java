package io.cairn.client.fs;

/** One name in a directory listing, with what it names. */
public record DirEntry(String name, FileStat stat) { }
