package io.cairn.common.config;

/**
 * Where a daemon's value for an option comes from, lowest precedence first: the option's default,
 * the config file, the monitors' central database, the command line ({@code --name value}), and a
 * change made inside the running daemon. Ceph calls the command line "cmdline" and an in-daemon
 * change "override"; Cairn calls the command line "override", as its launchers and docs do.
 */
public enum ConfigLayer {
    DEFAULT("default"),
    FILE("file"),
    MON("mon"),
    OVERRIDE("override"),
    RUNTIME("runtime");

    private final String label;

    ConfigLayer(String label) {
        this.label = label;
    }

    /** The word {@code config show} prints in its SOURCE column. */
    public String label() {
        return label;
    }
}
