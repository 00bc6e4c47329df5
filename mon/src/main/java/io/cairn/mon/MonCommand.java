package io.cairn.mon;

import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.config.CairnConfig;
import io.cairn.common.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code cairn mon --id a [-c cairn.conf] [--option value ...]}: runs a monitor until SIGTERM. */
@Command(name = "mon", mixinStandardHelpOptions = true,
        description = "Run a monitor daemon (in the foreground; SIGTERM stops it).")
public final class MonCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--id"}, paramLabel = "ID", description = "Monitor name (a, b, c...).")
    String id;

    @Unmatched
    List<String> overrides = new ArrayList<>();

    @Override
    public void run() {
        if (id == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "cairn mon --id NAME runs a monitor; cairn mon stat shows the monitors");
        }
        GlobalOptions global = (GlobalOptions) spec.root().userObject();
        CairnConfig config = CairnConfig.load(global.conf(), "mon." + id, parseOverrides(spec, overrides));
        MonDaemon daemon;
        try {
            daemon = MonDaemon.start(config, Clock.SYSTEM);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("mon." + id + " failed to start: " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "mon-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code --name value} or {@code --name=value} pairs, as ceph daemons take config overrides. */
    public static Map<String, String> parseOverrides(CommandSpec spec, List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() < 3) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "option '" + a + "' needs a value");
            }
            out.put(key.replace('-', '_'), value);
        }
        return out;
    }
}
