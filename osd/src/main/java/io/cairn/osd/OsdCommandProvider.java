package io.cairn.osd;

import io.cairn.common.cli.CommandProvider;

/** Adds {@code cairn osd} (daemon and mkfs) to the cairn command. */
public final class OsdCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new OsdCommand();
    }
}
