package io.cairn.common.config;

import java.util.Set;

/**
 * The checks a value must pass before the monitors store it centrally, worded for the operator
 * who typed it: which option, what it must be, what was given.
 */
public final class ConfigChecks {
    /**
     * Options a daemon needs before it can reach the monitors (or to find its own data), so a
     * central value could never take effect: Ceph's FLAG_NO_MON_UPDATE.
     */
    private static final Set<String> BOOTSTRAP = Set.of("mon_host", "mon_initial_members", "mon_raft_port_offset",
            "mon_data", "osd_data", "run_dir");

    private ConfigChecks() {}

    /** What is wrong with {@code raw} as a value of {@code o}, or null when it is fine. */
    public static String valueProblem(ConfigOption<?> o, String raw) {
        String text = raw == null ? "" : raw.strip();
        try {
            o.type().parse(text);
        } catch (IllegalArgumentException e) {
            return o.name() + " must be " + o.type().describe() + ", not '" + text + "'";
        }
        try {
            o.parse(text);
        } catch (IllegalArgumentException e) {
            return o.name() + " must be " + o.validRange() + ", not '" + text + "'";
        }
        return null;
    }

    /** True for options that only the config file and the command line may set. */
    public static boolean bootstrapOnly(ConfigOption<?> o) {
        return BOOTSTRAP.contains(o.name());
    }
}
