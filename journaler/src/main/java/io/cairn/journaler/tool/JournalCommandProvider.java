package io.cairn.journaler.tool;

import io.cairn.common.cli.CommandProvider;

/** Adds {@code cairn journal} to the cairn command. */
public final class JournalCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new JournalCommand();
    }
}
