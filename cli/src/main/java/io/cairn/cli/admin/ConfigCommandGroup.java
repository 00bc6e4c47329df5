package io.cairn.cli.admin;

import io.cairn.common.cli.CommandProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The {@code config} group: {@code show} and {@code show-with-defaults} ask a daemon; the
 * monitors' commands (set, get, rm, dump, help, ls) come from {@link MonCommandTable} and are hung
 * under this group by {@link MonCommandTree}. Found through {@link CommandProvider} so that it is
 * in place before the table is installed.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "The monitors' central config database, and what a daemon runs with.",
        subcommands = {ConfigShowCommand.Show.class, ConfigShowCommand.ShowWithDefaults.class})
public final class ConfigCommandGroup implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new IllegalArgumentException("'config' needs a subcommand (see 'cairn config --help')");
    }

    /** Listed in META-INF/services/io.cairn.common.cli.CommandProvider. */
    public static final class Provider implements CommandProvider {
        @Override
        public Object command() {
            return new ConfigCommandGroup();
        }
    }
}
