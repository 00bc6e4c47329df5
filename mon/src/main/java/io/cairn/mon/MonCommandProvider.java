package io.cairn.mon;

import io.cairn.common.cli.CommandProvider;

/** Adds {@code cairn mon} to the cairn command. */
public final class MonCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new MonCommand();
    }
}
