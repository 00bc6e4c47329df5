package io.cairn.common.cli;

import io.cairn.common.config.CairnConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The cluster configuration a {@code cairn} client command runs with, whichever module the command lives in. */
public final class CliConfig {
    private CliConfig() {}

    /** -c FILE, else $CAIRN_CONF, else ./run/cairn.conf, else /etc/cairn/cairn.conf; as client.admin. */
    public static CairnConfig load(GlobalOptions g) {
        Path conf = g.conf();
        if (conf == null) {
            String env = System.getenv("CAIRN_CONF");
            for (String candidate : new String[] {env, "run/cairn.conf", "/etc/cairn/cairn.conf"}) {
                if (candidate != null && Files.isRegularFile(Path.of(candidate))) {
                    conf = Path.of(candidate);
                    break;
                }
            }
        }
        if (conf == null) {
            throw new IllegalArgumentException("no cluster configuration: pass -c cairn.conf (cairn cluster up writes run/cairn.conf)");
        }
        return CairnConfig.load(conf, "client.admin", Map.of());
    }
}
