package io.cairn.deploy;

import io.cairn.common.cli.CommandProvider;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.config.CairnConfigKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn -c CONF osd activate ID}: starts an OSD that {@code osd prepare} made, as a
 * background daemon of this host (pid file and log under the config's run_dir). It boots into the
 * CRUSH location its config gives ({@code crush_location}), so a new OSD lands in its rack.
 */
@Command(name = "activate", mixinStandardHelpOptions = true,
        description = "Start a prepared OSD in the background (pid file and log under run_dir); it boots into its "
                + "crush_location. A systemd host runs its cairn-osd@ID unit instead.")
public final class OsdActivateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The OSD id osd prepare printed.")
    int id;

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = (GlobalOptions) spec.root().userObject();
        if (g.conf() == null) {
            throw new IllegalArgumentException("osd activate needs -c CONF (the cluster's config on this host)");
        }
        CairnConfig config = CairnConfig.load(g.conf(), "osd." + id, Map.of());
        String run = config.get(CairnConfigKeys.Global.RUN_DIR);
        if (run.isBlank()) {
            throw new IllegalArgumentException("set run_dir in " + g.conf() + ": the OSD's pid file and log go there");
        }
        LocalCluster host = new LocalCluster(Path.of(run), g.conf());
        if (!host.osdIds().contains(id)) {
            throw new IllegalArgumentException("osd." + id + " is not prepared under " + run + " (no " + run + "/osd."
                    + id + "/whoami): run cairn osd prepare first");
        }
        boolean was = host.running("osd." + id).isPresent();
        long pid = host.start("osd." + id);
        spec.commandLine().getOut().println((was ? "already running: osd." : "started osd.") + id + " (pid " + pid + ")");
        return 0;
    }

    /** Hangs this command under {@code cairn osd}. */
    public static final class Provider implements CommandProvider {
        @Override
        public Object command() {
            return new OsdActivateCommand();
        }

        @Override
        public String parent() {
            return "osd";
        }
    }
}
