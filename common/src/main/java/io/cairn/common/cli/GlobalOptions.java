package io.cairn.common.cli;

import java.nio.file.Path;

/**
 * The options every {@code cairn} subcommand inherits from the root command. A subcommand from
 * another module reaches them as {@code (GlobalOptions) spec.root().userObject()}.
 */
public interface GlobalOptions {
    /** {@code --format}: plain, json or json-pretty. */
    OutputFormat format();

    /** {@code -c/--conf}: the configuration file, or null. */
    Path conf();

    /** {@code --debug}: print stack traces on errors. */
    boolean debug();
}
