package io.cairn.objectstore.tool;

import picocli.CommandLine.Command;

/** {@code cairn objectstore ...}: offline tools for one OSD's local store. */
@Command(name = "objectstore", mixinStandardHelpOptions = true,
        description = "Create, check, inspect and benchmark an OSD's local object store.",
        subcommands = {MkfsCommand.class, FsckCommand.class, LsCommand.class, GetCommand.class, PutCommand.class,
                GetBytesCommand.class, SetBytesCommand.class, RemoveCommand.class, BenchCommand.class,
                StressCommand.class})
public final class ObjectStoreCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
