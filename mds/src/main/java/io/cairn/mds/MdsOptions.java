package io.cairn.mds;

import io.cairn.common.Invariants;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;

/** One rank's settings, from the mds_* options. */
public record MdsOptions(int eventsPerSegment, int maxSegments, long opComplaintTimeMs, int purgeFilesMax,
        int completedRequestsMax) {
    public MdsOptions {
        Invariants.check(eventsPerSegment >= 1 && maxSegments >= 1, "segments of %d events, at most %d of them",
                eventsPerSegment, maxSegments);
        Invariants.check(opComplaintTimeMs > 0 && purgeFilesMax >= 1 && completedRequestsMax >= 1,
                "complaint %d ms, purge %d, completed %d", opComplaintTimeMs, purgeFilesMax, completedRequestsMax);
    }

    public static MdsOptions from(CairnConfig c) {
        return new MdsOptions(c.get(CairnConfigKeys.Mds.LOG_EVENTS_PER_SEGMENT), c.get(CairnConfigKeys.Mds.LOG_MAX_SEGMENTS),
                c.get(CairnConfigKeys.Mds.OP_COMPLAINT_TIME).toMillis(), c.get(CairnConfigKeys.Mds.MAX_PURGE_FILES),
                c.get(CairnConfigKeys.Mds.MAX_COMPLETED_REQUESTS));
    }

    public static MdsOptions defaults() {
        return from(CairnConfig.defaults("mds.a"));
    }

    public MdsOptions withSegments(int events, int max) {
        return new MdsOptions(events, max, opComplaintTimeMs, purgeFilesMax, completedRequestsMax);
    }

    public MdsOptions withOpComplaintTimeMs(long ms) {
        return new MdsOptions(eventsPerSegment, maxSegments, ms, purgeFilesMax, completedRequestsMax);
    }

    public MdsOptions withCompletedRequestsMax(int max) {
        return new MdsOptions(eventsPerSegment, maxSegments, opComplaintTimeMs, purgeFilesMax, max);
    }
}
