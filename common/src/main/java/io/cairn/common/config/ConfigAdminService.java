package io.cairn.common.config;

import io.cairn.proto.v1.ConfigLayerValue;
import io.cairn.proto.v1.ConfigShowEntry;
import io.cairn.proto.v1.ConfigShowReply;
import io.cairn.proto.v1.ConfigShowRequest;
import io.cairn.proto.v1.DaemonAdminServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The {@code DaemonAdminService} of any daemon, answered from its {@link CairnConfig}: only the
 * daemon knows its file, its command line and what it took from the monitors. Add it to a gRPC
 * server with {@code .addService(new ConfigAdminService(config))}. Answers from memory, never
 * blocks.
 */
public final class ConfigAdminService extends DaemonAdminServiceGrpc.DaemonAdminServiceImplBase {
    private final CairnConfig config;

    public ConfigAdminService(CairnConfig config) {
        this.config = config;
    }

    @Override
    public void configShow(ConfigShowRequest req, StreamObserver<ConfigShowReply> out) {
        out.onNext(reply(config));
        out.onCompleted();
    }

    /** Every option of {@code config} as the wire reply. */
    public static ConfigShowReply reply(CairnConfig config) {
        ConfigShowReply.Builder b = ConfigShowReply.newBuilder().setEntity(config.entity())
                .setConfigVersion(config.monVersion());
        for (CairnConfig.Shown s : config.show()) {
            ConfigShowEntry.Builder e = ConfigShowEntry.newBuilder().setName(s.option().name()).setValue(s.value())
                    .setSource(s.source().label()).setRuntime(s.option().runtime()).setRestartNeeded(s.restartNeeded());
            for (CairnConfig.LayerValue v : s.overrides()) {
                e.addOverrides(ConfigLayerValue.newBuilder().setSource(v.layer().label()).setValue(v.value()));
            }
            if (s.pending() != null) {
                e.setPendingValue(s.pending().value()).setPendingSource(s.pending().layer().label());
            }
            b.addEntries(e);
        }
        return b.build();
    }
}
