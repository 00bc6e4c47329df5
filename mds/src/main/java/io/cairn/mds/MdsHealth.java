package io.cairn.mds;

import io.cairn.proto.v1.MdsHealthMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The checks a rank raises about itself for its beacon, with Ceph's codes and wording. */
public final class MdsHealth {
    static final String WARN = "HEALTH_WARN";

    private MdsHealth() {}

    static List<MdsHealthMetric> of(int rank, int segments, int maxSegments, int slowRequests, long complaintMs) {
        List<MdsHealthMetric> out = new ArrayList<>();
        if (segments > 2 * maxSegments) {
            out.add(MdsHealthMetric.newBuilder().setCode("MDS_TRIM").setSeverity(WARN)
                    .setSummary("Behind on trimming (" + segments + "/" + maxSegments + ")")
                    .addDetail("mds rank " + rank + ": the journal holds " + segments + " segments, mds_log_max_segments is "
                            + maxSegments).build());
        }
        if (slowRequests > 0) {
            out.add(MdsHealthMetric.newBuilder().setCode("MDS_SLOW_REQUEST").setSeverity(WARN)
                    .setSummary(slowRequests + " slow requests are blocked > " + complaintMs / 1000 + " secs")
                    .addDetail("mds rank " + rank + ": " + slowRequests + " requests waiting longer than "
                            + "mds_op_complaint_time").build());
        }
        return out;
    }

    /**
     * MDS_CLIENT_LATE_RELEASE for each client that has not answered a revocation within
     * mds_revoke_cap_timeout, MDS_CLIENT_RECALL for each holding caps on more inodes than
     * mds_max_caps_per_client (one detail line per client, as Ceph's).
     */
    public static List<MdsHealthMetric> clients(List<CapLocker.LateRelease> late, Map<Long, Integer> capsPerClient,
                                                int maxCapsPerClient) {
        List<MdsHealthMetric> out = new ArrayList<>();
        List<Long> lateClients = late.stream().map(CapLocker.LateRelease::client).distinct().toList();
        if (!lateClients.isEmpty()) {
            MdsHealthMetric.Builder m = MdsHealthMetric.newBuilder().setCode("MDS_CLIENT_LATE_RELEASE").setSeverity(WARN)
                    .setSummary(lateClients.size() + " clients failing to respond to capability release");
            lateClients.forEach(c -> m.addDetail("client " + Long.toUnsignedString(c)
                    + " failing to respond to capability release"));
            out.add(m.build());
        }
        List<Long> over = capsPerClient.entrySet().stream().filter(e -> e.getValue() > maxCapsPerClient)
                .map(Map.Entry::getKey).toList();
        if (!over.isEmpty()) {
            MdsHealthMetric.Builder m = MdsHealthMetric.newBuilder().setCode("MDS_CLIENT_RECALL").setSeverity(WARN)
                    .setSummary(over.size() + " clients failing to respond to cache pressure");
            over.forEach(c -> m.addDetail("client " + Long.toUnsignedString(c) + " holds caps on "
                    + capsPerClient.get(c) + " inodes, mds_max_caps_per_client is " + maxCapsPerClient));
            out.add(m.build());
        }
        return out;
    }
}
