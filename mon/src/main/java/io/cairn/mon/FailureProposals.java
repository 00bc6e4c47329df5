package io.cairn.mon;

import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.proto.v1.CommandRequest;
import java.util.List;

/** What the leader's failure detector reads from config, and its decisions as the commands it proposes. */
final class FailureProposals {
    private FailureProposals() {}

    /** Read at every tick: some of these options change at runtime. */
    static FailureDetector.Settings settings(CairnConfig config) {
        return new FailureDetector.Settings(config.get(CairnConfigKeys.Mon.MIN_DOWN_REPORTERS),
                config.get(CairnConfigKeys.Mon.REPORTER_SUBTREE_LEVEL),
                config.get(CairnConfigKeys.Mon.REPORT_TIMEOUT).toMillis(),
                config.get(CairnConfigKeys.Mon.DOWN_OUT_INTERVAL).toMillis(),
                2 * config.get(CairnConfigKeys.Osd.Heartbeat.HEARTBEAT_GRACE).toMillis(),
                config.get(CairnConfigKeys.Mon.MIN_IN_RATIO),
                config.get(CairnConfigKeys.Osd.Scrub.SCRUB_AUTO_OUT_ON_ERRORS),
                config.get(CairnConfigKeys.Osd.Scrub.WARN_NUM_REPAIRED));
    }

    /** The internal command that carries out {@code a}, proposed by {@code entity}. */
    static CommandRequest command(FailureDetector.Action a, String entity) {
        return switch (a) {
            case FailureDetector.MarkDown d -> CommandRequest.newBuilder().setPrefix("osd mark-down")
                    .setEntity(entity).putArgs("ids", join(d.osds())).putArgs("reason", d.reason()).build();
            case FailureDetector.MarkOut o -> {
                CommandRequest.Builder b = CommandRequest.newBuilder().setPrefix("osd auto-out")
                        .setEntity(entity).putArgs("ids", join(o.osds()))
                        .putArgs("min_in_ratio", Double.toString(o.minInRatio()));
                if (o.upOk()) {
                    b.putArgs("up_ok", "true");
                }
                if (!o.reason().isEmpty()) {
                    b.putArgs("reason", o.reason());
                }
                yield b.build();
            }
        };
    }

    private static String join(List<Integer> ids) {
        return String.join(",", ids.stream().map(String::valueOf).toList());
    }
}
