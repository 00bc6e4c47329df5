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
        subcommands = {OsdCommand.Mkfs.class, OsdCommand.Prepare.class, OsdFsckCommand.class})
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

        @Option(names = "--block-device", paramLabel = "DEV",
                description = "Write object data straight to this raw block device (e.g. /dev/sdb); the data "
                        + "directory keeps the metadata. --size is then the device's.")
        Path blockDevice;

        @Option(names = "--force", description = "Use a block device even if its start is not blank.")
        boolean force;

        @Override
        public void run() {
            Path dir = path != null ? path : OsdDaemon.dataDir(config(spec, id, List.of()));
            String who = uuid != null ? uuid : UUID.randomUUID().toString();
            spec.commandLine().getOut().println(make(dir, id, who, blockDevice, sizeBytes, force));
        }
    }

    /** Makes the OSD's data directory and store; returns the line that says so. */
    static String make(Path dir, int id, String uuid, Path blockDevice, long sizeBytes, boolean force) {
        try {
            OsdIdentity who = blockDevice != null ? OsdDaemon.mkfsOnDevice(dir, id, uuid, blockDevice, force)
                    : OsdDaemon.mkfs(dir, id, uuid, sizeBytes);
            return "created osd." + who.id() + " (" + who.uuid() + ") at " + dir
                    + (blockDevice != null ? ", object data on " + blockDevice : "");
        } catch (IOException e) {
            throw new IllegalStateException("mkfs failed: " + e.getMessage(), e);
        }
    }

    @Command(name = "prepare", mixinStandardHelpOptions = true,
            description = "Make a new OSD: an id from the monitors, then its store on a raw block device or in a "
                    + "directory; start it with cairn osd --id N (or its cairn-osd@N unit).")
    public static final class Prepare implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "PATH",
                description = "A block device (object data written to it directly, metadata in the OSD's data "
                        + "directory: osd_data or run_dir/osd.N) or a directory (the OSD's data directory); "
                        + "default the data directory the config gives the new OSD.")
        Path data;

        @Option(names = "--size", defaultValue = "1073741824", paramLabel = "BYTES",
                description = "Store size in a directory (default 1 GiB); a device's store is the device.")
        long sizeBytes;

        @Option(names = "--force", description = "Use a block device even if its start is not blank.")
        boolean force;

        @Option(names = "--osd-id", paramLabel = "ID", description = "Take this id: a destroyed OSD's, whose CRUSH "
                + "place the new one keeps (default: the lowest free id).")
        Integer osdId;

        /** The data directory the config gives osd.{@code id}, or null when it sets neither osd_data nor run_dir. */
        private Path configuredDataDir(int id) {
            try {
                return OsdDaemon.dataDir(config(spec, id, List.of()));
            } catch (IllegalArgumentException unset) {
                return null;
            }
        }

        @Override
        public void run() {
            boolean device;
            try {
                device = data != null && io.cairn.objectstore.block.BlockDevices.isBlockDevice(data);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot look at " + data + ": " + e.getMessage());
            }
            if (data != null && !device && java.nio.file.Files.exists(data) && !java.nio.file.Files.isDirectory(data)) {
                throw new IllegalArgumentException(data + " is neither a block device nor a directory");
            }
            String uuid = UUID.randomUUID().toString();
            int newId;
            GlobalOptions global = (GlobalOptions) spec.root().userObject();
            CairnConfig client = CairnConfig.load(global.conf(), "client.admin", java.util.Map.of());
            try (io.cairn.common.mon.MonClient mon = io.cairn.common.mon.MonClient.fromConfig(client)) {
                java.util.Map<String, String> args = new java.util.HashMap<>(java.util.Map.of("uuid", uuid));
                if (osdId != null) {
                    args.put("id", Integer.toString(osdId));
                }
                io.cairn.proto.v1.CommandReply r = mon.command("osd create", args);
                if (r.getCode() != 0) {
                    throw new IllegalStateException("osd create: " + r.getMessage());
                }
                newId = Integer.parseInt(r.getOutputPlain().strip());
            }
            Path configured = configuredDataDir(newId);
            if ((device || data == null) && configured == null) {
                throw new IllegalArgumentException("set osd_data or run_dir: osd." + newId + " needs a data directory"
                        + (device ? " beside the device for its metadata" : ""));
            }
            Path dir = device || data == null ? configured : data;
            spec.commandLine().getOut().println(make(dir, newId, uuid, device ? data : null, sizeBytes, force));
            if (!device && (configured == null
                    || !configured.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize()))) {
                spec.commandLine().getOut().println("set osd_data = " + dir.toAbsolutePath() + " under [osd." + newId
                        + "] so the OSD finds it");
            }
        }
    }
}
