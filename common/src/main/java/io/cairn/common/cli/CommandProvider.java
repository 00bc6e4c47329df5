package io.cairn.common.cli;

/**
 * Contributes a top-level subcommand to the {@code cairn} command from a module the CLI does not
 * depend on (a daemon, the ObjectStore tool). Implementations are listed in
 * {@code META-INF/services/io.cairn.common.cli.CommandProvider}; the launcher finds them with
 * {@link java.util.ServiceLoader}. The returned object is a picocli {@code @Command}; typed as
 * Object so common/ needs no picocli.
 */
public interface CommandProvider {
    /** A new picocli command object, e.g. {@code new ObjectStoreCommand()}. */
    Object command();

    /**
     * The top-level command this one hangs under ({@code "osd"} for {@code cairn osd activate}),
     * or null for a top-level command of its own.
     */
    default String parent() {
        return null;
    }
}
