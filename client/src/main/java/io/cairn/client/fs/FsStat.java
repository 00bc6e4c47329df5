package io.cairn.client.fs;

/** What {@code statfs} tells: the data pool's space as the cluster reports it, and how many inodes there are. */
public record FsStat(long totalBytes, long usedBytes, long availBytes, long files) { }
