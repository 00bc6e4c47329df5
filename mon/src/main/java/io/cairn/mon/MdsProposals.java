package io.cairn.mon;

import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import io.cairn.proto.v1.CommandRequest;

/** What the leader's MDS beacon tracker reads from config, and its decisions as the internal commands it proposes. */
final class MdsProposals {
    private MdsProposals() {}

    /** Read at every tick: mds_beacon_grace may change at runtime. */
    static MdsBeaconTracker.Settings settings(CairnConfig config) {
        return new MdsBeaconTracker.Settings(config.get(CairnConfigKeys.Mds.BEACON_GRACE).toMillis(),
                config.get(CairnConfigKeys.Mds.BEACON_INTERVAL).toMillis());
    }

    static CommandRequest command(MdsBeaconTracker.Action a, String entity) {
        CommandRequest.Builder b = CommandRequest.newBuilder().setEntity(entity);
        return switch (a) {
            case MdsBeaconTracker.Boot boot -> b.setPrefix("mds boot").putArgs("gid", Long.toString(boot.gid()))
                    .putArgs("name", boot.name()).putArgs("addr", boot.addr()).build();
            case MdsBeaconTracker.ChangeState c -> b.setPrefix("mds state").putArgs("gid", Long.toString(c.gid()))
                    .putArgs("state", c.state().cephName()).build();
            case MdsBeaconTracker.Fail f -> b.setPrefix("mds fail").putArgs("gid", Long.toString(f.gid()))
                    .putArgs("reason", f.reason()).build();
        };
    }
}
