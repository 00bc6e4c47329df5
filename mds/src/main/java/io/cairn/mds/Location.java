package io.cairn.mds;

/** A dentry's place: the directory holding it and its name. */
record Location(long dirIno, String name) { }
