package io.cairn.mds.daemon;

import io.cairn.client.Rados;
import io.cairn.common.DaemonRunner;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.ConfigOverrides;
import io.cairn.common.net.Messenger;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code cairn mds --id a [-c cairn.conf] [--option value ...]}: runs a metadata server until
 * SIGTERM. The admin commands ({@code cairn mds stat}) hang under this same command.
 */
@Command(name = "mds", mixinStandardHelpOptions = true,
        description = "Run a metadata server daemon (--id NAME), or show the MDS daemons (stat).")
public final class MdsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--id"}, paramLabel = "NAME", description = "MDS name (a, b, c...).")
    String id;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public void run() {
        if (id == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "cairn mds --id NAME runs an MDS; cairn mds stat shows them");
        }
        GlobalOptions global = (GlobalOptions) spec.root().userObject();
        CairnConfig config;
        try {
            config = CairnConfig.load(global.conf(), "mds." + id, ConfigOverrides.parse(overrides));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Messenger.useSharedClientLoops(0);
        Rados rados = Rados.connect(config);
        MdsDaemon daemon;
        try {
            daemon = MdsDaemon.start(config, id, registry -> new ClusterRankOpener(rados, config, registry));
        } catch (java.io.IOException | RuntimeException e) {
            rados.close();
            throw new IllegalStateException("mds." + id + " failed to start: " + e.getMessage(), e);
        }
        DaemonRunner.runUntilStopped(() -> {
            daemon.close();
            rados.close();
        }, "mds." + id);
    }
}
