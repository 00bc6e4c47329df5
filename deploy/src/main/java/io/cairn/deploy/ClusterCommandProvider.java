package io.cairn.deploy;

import io.cairn.common.cli.CommandProvider;

/** Adds {@code cairn cluster} to the cairn command. */
public final class ClusterCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new ClusterCommand();
    }
}
