package io.cairn.osd.scrub;

import io.cairn.common.osdmap.PgId;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which PG an OSD scrubs next (pure). An operator's request goes first (repair, then deep, then
 * shallow) and ignores the flags and the load, as {@code ceph pg deep-scrub} does. Otherwise a
 * deep scrub is due {@code deepIntervalMs} after the last one (unless nodeep-scrub), and a
 * shallow one {@code maxIntervalMs} after the last scrub, or already {@code minIntervalMs} after
 * it when the load is below the threshold (unless noscrub). The most overdue PG goes first.
 */
public final class ScrubSchedule {
    private ScrubSchedule() {}

    public enum Kind { SHALLOW, DEEP, REPAIR }

    public record Options(long minIntervalMs, long maxIntervalMs, long deepIntervalMs, double loadThreshold) { }

    /** A clean PG this OSD leads; stamps are wall-clock ms of the last scrub and deep scrub. */
    public record Candidate(PgId pg, long lastScrubMs, long lastDeepScrubMs, Optional<Kind> requested) { }

    public record Decision(PgId pg, Kind kind, boolean requested) {
        public boolean deep() {
            return kind != Kind.SHALLOW;
        }
    }

    public static Optional<Decision> next(List<Candidate> pgs, long nowMs, Options o, double loadPerCpu,
                                          boolean noscrub, boolean nodeepScrub) {
        Optional<Candidate> asked = pgs.stream().filter(c -> c.requested().isPresent())
                .max(Comparator.comparingInt(c -> c.requested().orElseThrow().ordinal()));
        if (asked.isPresent()) {
            return Optional.of(new Decision(asked.get().pg(), asked.get().requested().orElseThrow(), true));
        }
        if (!nodeepScrub) {
            Optional<Candidate> deep = pgs.stream().filter(c -> nowMs - c.lastDeepScrubMs() >= o.deepIntervalMs())
                    .min(Comparator.comparingLong(Candidate::lastDeepScrubMs));
            if (deep.isPresent()) {
                return Optional.of(new Decision(deep.get().pg(), Kind.DEEP, false));
            }
        }
        if (noscrub) {
            return Optional.empty();
        }
        boolean lowLoad = loadPerCpu < o.loadThreshold();
        return pgs.stream().filter(c -> {
            long since = nowMs - c.lastScrubMs();
            return since >= o.maxIntervalMs() || (lowLoad && since >= o.minIntervalMs());
        }).min(Comparator.comparingLong(Candidate::lastScrubMs))
                .map(c -> new Decision(c.pg(), Kind.SHALLOW, false));
    }
}
