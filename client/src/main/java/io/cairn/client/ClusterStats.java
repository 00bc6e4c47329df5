package io.cairn.client;

/** Space and contents of the cluster (librados's cluster_stat), from the OSDs' latest reports. */
public record ClusterStats(long totalBytes, long usedBytes, long availBytes, long objects) { }
