package io.cairn.mds.daemon;

import io.cairn.common.cli.CommandProvider;

/** Adds {@code cairn mds --id NAME} to the cairn command. */
public final class MdsCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new MdsCommand();
    }
}
