package io.cairn.mds;

import io.cairn.proto.v1.MdsHealthMetric;
import java.util.ArrayList;
import java.util.List;

/** The checks a rank raises about itself for its beacon, with Ceph's codes and wording. */
final class MdsHealth {
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
}
