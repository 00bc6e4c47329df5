package io.cairn.mon;

import io.cairn.common.DaemonRunner;
import io.cairn.common.net.Messenger;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.ConfigOverrides;
import io.cairn.common.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code cairn mon --id a [-c cairn.conf] [--option value ...]}: runs a monitor until SIGTERM. */
@Command(name = "mon", mixinStandardHelpOptions = true,
        description = "Run a monitor daemon (in the foreground; SIGTERM stops it).")
public final class MonCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--id"}, paramLabel = "ID", description = "Monitor name (a, b, c...).")
    String id;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public void run() {
        if (id == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "cairn mon --id NAME runs a monitor; cairn mon stat shows the monitors");
        }
        GlobalOptions global = (GlobalOptions) spec.root().userObject();
        CairnConfig config;
        try {
            config = CairnConfig.load(global.conf(), "mon." + id, ConfigOverrides.parse(overrides));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        MonDaemon daemon;
        try {
            Messenger.useSharedClientLoops(0);
            daemon = MonDaemon.start(config, Clock.SYSTEM);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("mon." + id + " failed to start: " + e.getMessage(), e);
        }
        // a removed monitor exits cleanly (status 0), so a unit that restarts on failure leaves it stopped
        daemon.removed().thenRun(() -> new Thread(() -> System.exit(0), "mon-removed-exit").start());
        DaemonRunner.runUntilStopped(daemon, "mon." + id);
    }
}
