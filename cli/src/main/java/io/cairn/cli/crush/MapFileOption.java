package io.cairn.cli.crush;

import io.cairn.common.cli.UserInputException;
import io.cairn.crush.CrushMap;
import io.cairn.crush.CrushMapException;
import io.cairn.crush.CrushTextParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --map FILE} option the crush subcommands share, and loading the map it names. */
public final class MapFileOption {
    @Option(names = "--map", required = true, paramLabel = "FILE", description = "Text CRUSH map (crushtool -d form).")
    Path file;

    public Path file() {
        return file;
    }

    /** Reads and compiles the map; errors name the file, the line and the reason. */
    public CrushMap load() {
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
