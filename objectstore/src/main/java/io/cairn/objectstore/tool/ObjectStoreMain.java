package io.cairn.objectstore.tool;

import io.cairn.common.cli.UserInputException;
import picocli.CommandLine;

/**
 * Runs the objectstore tool without the {@code cairn} launcher (the crash test starts
 * {@code stress} this way in a child JVM). Exit codes as the launcher: 2 for bad input.
 */
public final class ObjectStoreMain {
    private ObjectStoreMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine cl = new CommandLine(new ObjectStoreCommand());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("error: " + ex.getMessage());
            return ex instanceof UserInputException ? 2 : 1;
        });
        return cl.execute(args);
    }
}
