package io.cairn.objectstore.tool;

import io.cairn.common.cli.CommandProvider;

/** Registers {@code cairn objectstore} with the launcher (see META-INF/services). */
public final class ObjectStoreCommandProvider implements CommandProvider {
    @Override
    public Object command() {
        return new ObjectStoreCommand();
    }
}
