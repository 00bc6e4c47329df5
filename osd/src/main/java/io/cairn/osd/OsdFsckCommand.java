package io.cairn.osd;

import io.cairn.objectstore.block.BlockStore;
import io.cairn.objectstore.block.Fsck;
import io.cairn.objectstore.block.FsckReport;
import io.cairn.osd.snap.SnapFsck;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn osd fsck --id N | --path DIR [--deep]}: an offline check of a stopped OSD, as
 * {@code ceph-objectstore-tool --op fsck}: its store (metadata against the allocator, reference
 * counts of units clones share, with --deep every checksum), then what only the OSD knows: every
 * clone has its head, each SnapSet names exactly the clones stored, and each PG's snap index
 * agrees. Exit 1 if anything is wrong.
 */
@Command(name = "fsck", mixinStandardHelpOptions = true,
        description = "Check a stopped OSD: its store, then its snapshots (clones, SnapSets, snap index). Exit 1 if errors.")
final class OsdFsckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--id"}, paramLabel = "N", description = "OSD id (its data directory from the config).")
    Integer id;

    @Option(names = "--path", paramLabel = "DIR", description = "The OSD's data directory.")
    Path path;

    @Option(names = "--deep", description = "Also read all data and verify every checksum.")
    boolean deep;

    @Override
    public Integer call() {
        if ((id == null) == (path == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --id N or --path DIR");
        }
        Path dir = path != null ? path : OsdDaemon.dataDir(OsdCommand.config(spec, id, List.of()));
        Path storeDir = dir.resolve(OsdIdentity.STORE_DIR);
        if (!Files.isDirectory(storeDir.resolve(BlockStore.META_DIR))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no OSD store at " + dir);
        }
        PrintWriter out = spec.commandLine().getOut();
        FsckReport store = Fsck.run(storeDir, deep, false);
        out.printf("store%s: %d objects, %d extents%s, %s%n", deep ? " --deep" : "", store.objects(), store.extents(),
                deep ? ", " + store.bytesVerified() + " bytes verified" : "",
                store.clean() ? "clean" : store.errors().size() + " errors");
        store.errors().forEach(e -> out.println("  " + e));
        store.damagedObjects().forEach(o -> out.println("  damaged: " + o));
        SnapFsck.Report snaps;
        try (BlockStore mounted = new BlockStore(storeDir)) {
            mounted.mount();
            snaps = SnapFsck.check(mounted);
        }
        out.printf("snapshots: %d PGs, %d heads, %d clones%s, %s%n", snaps.collections(), snaps.heads(), snaps.clones(),
                snaps.tempObjects() > 0 ? ", " + snaps.tempObjects() + " temp objects of copies cut short "
                        + "(cleared when their PG activates)" : "",
                snaps.clean() ? "clean" : snaps.errorCount() + " errors");
        snaps.errors().forEach(e -> out.println("  " + e));
        if (snaps.errorCount() > snaps.errors().size()) {
            out.println("  ... and " + (snaps.errorCount() - snaps.errors().size()) + " more");
        }
        out.flush();
        return store.clean() && snaps.clean() ? 0 : 1;
    }
}
