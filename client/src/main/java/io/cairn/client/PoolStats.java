package io.cairn.client;

/** One pool's contents and its share of the free space (librados's pool_stat). */
public record PoolStats(String name, long storedBytes, long objects, long usedBytes, long maxAvailBytes) { }
