package io.cairn.cli.crush;

import io.cairn.cli.UserInputException;
import io.cairn.crush.CrushMap;
import io.cairn.crush.CrushMapException;
import io.cairn.crush.CrushTextParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    /** Reads and compiles a text map; errors name the file, the line and the reason. */
    static CrushMap load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserInputException("no such map file: " + file);
        } catch (IOException e) {
            throw new UserInputException("cannot read map file " + file + ": " + e.getMessage());
        }
        try {
            return CrushTextParser.parse(text);
        } catch (CrushMapException e) {
            throw new UserInputException(file + ": " + e.getMessage(), e);
        }
    }
}
