package io.cairn.cli.crush;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cairn crush ...}: work with CRUSH maps in crushtool's text form. */
@Command(name = "crush", mixinStandardHelpOptions = true, description = "CRUSH map tools: test placement, show the tree, benchmark.",
        subcommands = {CrushTestCommand.class, CrushTreeCommand.class, CrushBenchCommand.class})
public final class CrushCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a crush subcommand is required (test, tree, bench)");
    }
}
