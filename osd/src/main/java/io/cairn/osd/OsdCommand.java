package io.cairn.osd;

import io.cairn.common.DaemonRunner;
import io.cairn.common.net.Messenger;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.ConfigOverrides;
import io.cairn.common.time.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code cairn osd --id N [-c cairn.conf] [--option value ...]} runs an OSD until SIGTERM;
 * {@code cairn osd mkfs --id N} prepares its data directory. The admin commands
 * ({@code cairn osd pool ...}) hang under this same command.
 */
@Command(name = "osd", mixinStandardHelpOptions = true,
        description = "Run an OSD daemon (--id N), prepare one (mkfs), or manage OSDs and pools.",
        subcommands = OsdCommand.Mkfs.class)
public final class OsdCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--id"}, paramLabel = "N", description = "OSD id.")
    Integer id;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public void run() {
        if (id == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "cairn osd --id N runs an OSD; see cairn osd --help for the OSD commands");
        }
        CairnConfig config = config(spec, id, overrides);
        OsdDaemon daemon;
        try {
            Messenger.useSharedClientLoops(0);
            daemon = OsdDaemon.start(config, Clock.SYSTEM);
        } catch (IOException e) {
            throw new IllegalStateException("osd." + id + " failed to start: " + e.getMessage(), e);
        }
        DaemonRunner.runUntilStopped(daemon, "osd." + id);
    }

    static CairnConfig config(CommandSpec spec, int id, List<String> overrides) {
        GlobalOptions global = (GlobalOptions) spec.root().userObject();
        try {
            return CairnConfig.load(global.conf(), "osd." + id, ConfigOverrides.parse(overrides));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Command(name = "mkfs", mixinStandardHelpOptions = true, description = "Create an OSD's data directory and empty store.")
    public static final class Mkfs implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = {"-i", "--id"}, required = true, paramLabel = "N", description = "OSD id.")
        int id;

        @Option(names = "--path", paramLabel = "DIR", description = "Data directory (default osd_data, or run_dir/osd.N).")
        Path path;

        @Option(names = "--size", defaultValue = "1073741824", paramLabel = "BYTES", description = "Store size (default 1 GiB).")
        long sizeBytes;

        @Option(names = "--uuid", paramLabel = "UUID", description = "OSD uuid (default: a new random one).")
        String uuid;

        @Override
        public void run() {
            Path dir = path != null ? path : OsdDaemon.dataDir(config(spec, id, List.of()));
            try {
                OsdIdentity who = OsdDaemon.mkfs(dir, id, uuid != null ? uuid : UUID.randomUUID().toString(), sizeBytes);
                spec.commandLine().getOut().println("created osd." + who.id() + " (" + who.uuid() + ") at " + dir);
            } catch (IOException e) {
                throw new IllegalStateException("mkfs failed: " + e.getMessage(), e);
            }
        }
    }
}
