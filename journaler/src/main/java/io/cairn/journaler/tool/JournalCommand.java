package io.cairn.journaler.tool;

import io.cairn.common.layout.StripeLayout;
import io.cairn.client.IoCtx;
import io.cairn.client.Rados;
import io.cairn.client.RadosException;
import io.cairn.common.cli.CliConfig;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.cli.Json;
import io.cairn.common.config.CairnConfig;
import io.cairn.journaler.Journal;
import io.cairn.journaler.JournalHeader;
import io.cairn.journaler.JournalMetrics;
import io.cairn.journaler.JournalObjects;
import io.cairn.journaler.JournalOptions;
import io.cairn.journaler.JournalPointer;
import io.cairn.journaler.JournalReader;
import io.cairn.journaler.JournalScan;
import io.cairn.journaler.JournalWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code cairn journal ... --pool P --name N}: look into, repair and exercise a journal, as
 * Ceph's cephfs-journal-tool does for the MDS's. Exit codes: 0 success, 1 failure or (inspect)
 * damage found, 2 bad usage.
 */
@Command(name = "journal", mixinStandardHelpOptions = true,
        description = "Journal tool: inspect, dump, header get, reset, rewrite, append, bench.",
        subcommands = {JournalCommand.Inspect.class, JournalCommand.Dump.class, JournalCommand.Header.class,
            JournalCommand.Reset.class, JournalCommand.Rewrite.class, JournalCommand.Append.class, JournalBench.class})
public final class JournalCommand {
    @Option(names = {"-p", "--pool"}, required = true, scope = ScopeType.INHERIT, paramLabel = "POOL",
            description = "Pool holding the journal.")
    String pool;

    @Option(names = "--name", required = true, scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Journal name (its objects are NAME.header, NAME.<16 hex digits>, NAME.pointer).")
    String name;

    /** A connected handle and the pool's IoCtx, closed together. */
    record Session(CairnConfig config, Rados rados, IoCtx io) implements AutoCloseable {
        JournalOptions options() {
            return JournalOptions.from(config);
        }

        @Override
        public void close() {
            io.close();
            rados.close();
        }
    }

    static Session connect(CommandSpec spec) {
        CairnConfig config = CliConfig.load(globals(spec));
        Rados rados = Rados.connect(config);
        try {
            String pool = journalOf(spec).pool;
            return new Session(config, rados, rados.ioCtx(pool));
        } catch (RuntimeException e) {
            rados.close();
            throw e;
        }
    }

    static GlobalOptions globals(CommandSpec spec) {
        return (GlobalOptions) spec.root().userObject();
    }

    static String name(CommandSpec spec) {
        return journalOf(spec).name;
    }

    /** The {@code journal} command a subcommand (at any depth) belongs to. */
    private static JournalCommand journalOf(CommandSpec spec) {
        for (CommandSpec at = spec; at != null; at = at.parent()) {
            if (at.userObject() instanceof JournalCommand j) {
                return j;
            }
        }
        throw new IllegalStateException("not a journal subcommand: " + spec.qualifiedName());
    }

    static void print(CommandSpec spec, Object json, String plain) {
        PrintWriter out = spec.commandLine().getOut();
        switch (globals(spec).format()) {
            case PLAIN -> out.println(plain);
            case JSON -> out.println(Json.write(json, false));
            case JSON_PRETTY -> out.println(Json.write(json, true));
        }
        out.flush();
    }

    static Map<String, Object> headerJson(JournalHeader h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("write_pos", h.writePos());
        m.put("expire_pos", h.expirePos());
        m.put("trimmed_pos", h.trimmedPos());
        m.put("writer_epoch", h.writerEpoch());
        m.put("stripe_unit", h.layout().stripeUnitBytes());
        m.put("stripe_count", h.layout().stripeCount());
        m.put("object_size", h.layout().objectSizeBytes());
        return m;
    }

    static String headerText(JournalHeader h) {
        return "write_pos " + h.writePos() + ", expire_pos " + h.expirePos() + ", trimmed_pos " + h.trimmedPos()
                + ", writer epoch " + h.writerEpoch() + ", layout stripe_unit " + h.layout().stripeUnitBytes()
                + " stripe_count " + h.layout().stripeCount() + " object_size " + h.layout().objectSizeBytes();
    }

    private static List<Map<String, Object>> stretches(List<JournalScan.Stretch> list) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JournalScan.Stretch s : list) {
            out.add(Map.of("offset", s.pos(), "end", s.endPos()));
        }
        return out;
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Check the journal's integrity: valid range, damaged extents, torn tail; exit 1 on damage.")
    static final class Inspect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Session s = connect(spec)) {
                JournalReader r = JournalReader.open(s.io(), name(spec), s.options());
                JournalScan.Result res = r.scan(r.header().expirePos(), JournalScan.OnDamage.SKIP, e -> { });
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("journal", r.journalName());
                m.put("header", headerJson(r.header()));
                m.put("valid_start", res.fromPos());
                m.put("valid_end", res.endPos());
                m.put("entries", res.entries());
                m.put("damaged", stretches(res.damaged()));
                m.put("torn_tail", res.torn() == null ? null : Map.of("offset", res.torn().pos(), "end",
                        res.torn().endPos(), "valid_data_after", res.tailDroppedValid()));
                m.put("integrity", res.damaged().isEmpty() ? "OK" : "DAMAGED");
                StringBuilder t = new StringBuilder();
                t.append("journal ").append(r.journalName()).append(": ").append(headerText(r.header())).append('\n');
                t.append("entries ").append(res.entries()).append(", valid range ").append(res.fromPos()).append("..")
                        .append(res.endPos()).append('\n');
                for (JournalScan.Stretch d : res.damaged()) {
                    t.append("damaged extent ").append(d.pos()).append("..").append(d.endPos()).append('\n');
                }
                if (res.torn() != null) {
                    t.append("torn tail at offset ").append(res.torn().pos()).append(" (")
                            .append(res.torn().endPos() - res.torn().pos()).append(" bytes after it")
                            .append(res.tailDroppedValid() ? ", valid entries after a hole" : "")
                            .append("): the next writer cuts it\n");
                }
                t.append("Overall journal integrity: ").append(res.damaged().isEmpty() ? "OK" : "DAMAGED");
                print(spec, m, t.toString());
                return res.damaged().isEmpty() ? 0 : 1;
            }
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = "Print the entries from expire_pos (position, length, data); --format json gives {entries: [...]}.")
    static final class Dump implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--skip-damage", description = "Skip damaged extents instead of stopping at the first.")
        boolean skipDamage;

        @Override
        public Integer call() {
            try (Session s = connect(spec)) {
                JournalReader r = JournalReader.open(s.io(), name(spec), s.options());
                List<Map<String, Object>> entries = new ArrayList<>();
                StringBuilder t = new StringBuilder();
                boolean json = globals(spec).format().isJson();
                JournalScan.Result res = r.scan(r.header().expirePos(),
                        skipDamage ? JournalScan.OnDamage.SKIP : JournalScan.OnDamage.STOP, e -> {
                            if (json) {
                                entries.add(Map.of("pos", e.pos(), "length", e.payload().length, "data",
                                        Base64.getEncoder().encodeToString(e.payload())));
                            } else {
                                int shown = Math.min(e.payload().length, 32);
                                t.append(e.pos()).append('\t').append(e.payload().length).append('\t')
                                        .append(HexFormat.of().formatHex(e.payload(), 0, shown))
                                        .append(shown < e.payload().length ? "..." : "").append('\n');
                            }
                        });
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("journal", r.journalName());
                m.put("entries", entries);
                m.put("end", res.endPos());
                m.put("damaged", stretches(res.damaged()));
                t.append(res.entries()).append(" entries, end ").append(res.endPos());
                print(spec, m, t.toString());
                if (res.stoppedOnDamage()) {
                    spec.commandLine().getErr().println("cairn: journal damaged at offset " + res.damaged().get(0).pos()
                            + " (next valid entry at " + res.damaged().get(0).endPos() + "); --skip-damage reads past it");
                    return 1;
                }
                return 0;
            }
        }
    }

    @Command(name = "header", mixinStandardHelpOptions = true, description = "The journal's header.",
            subcommands = {HeaderGet.class})
    static final class Header { }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print the header's positions, epoch and layout.")
    static final class HeaderGet implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Session s = connect(spec)) {
                String front = JournalPointer.read(s.io(), name(spec)).front();
                JournalHeader h = Journal.readHeader(s.io(), new JournalObjects(front));
                Map<String, Object> m = headerJson(h);
                m.put("journal", front);
                print(spec, m, "journal " + front + ": " + headerText(h));
                return 0;
            }
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Erase every entry: a new empty journal takes the name's place (its writer is fenced).")
    static final class Reset implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Session s = connect(spec)) {
                String front = JournalPointer.rewrite(s.io(), name(spec), s.options(), false,
                        JournalScan.OnDamage.STOP, spec.commandLine().getErr()::println);
                print(spec, Map.of("journal", name(spec), "front", front), "journal " + name(spec) + " reset; now "
                        + front);
                return 0;
            }
        }
    }

    @Command(name = "rewrite", mixinStandardHelpOptions = true,
            description = "Copy the entries from expire_pos into a new journal and switch to it (its writer is fenced).")
    static final class Rewrite implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--skip-damage", description = "Leave damaged extents out instead of refusing.")
        boolean skipDamage;

        @Override
        public Integer call() {
            try (Session s = connect(spec)) {
                String front = JournalPointer.rewrite(s.io(), name(spec), s.options(), true,
                        skipDamage ? JournalScan.OnDamage.SKIP : JournalScan.OnDamage.STOP,
                        spec.commandLine().getErr()::println);
                print(spec, Map.of("journal", name(spec), "front", front), "journal " + name(spec) + " rewritten into "
                        + front);
                return 0;
            }
        }
    }

    @Command(name = "append", mixinStandardHelpOptions = true,
            description = "Append one entry per file, as the journal's writer, and flush; creates the journal if needed.")
    static final class Append implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--object-size", defaultValue = "4194304", paramLabel = "BYTES",
                description = "Object size of a journal this creates (default 4 MiB).")
        int objectSizeBytes;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files whose contents become entries.")
        List<Path> files;

        @Override
        public Integer call() throws IOException {
            List<byte[]> payloads = new ArrayList<>();
            for (Path f : files) {
                payloads.add(Files.readAllBytes(f));
            }
            try (Session s = connect(spec)) {
                createIfMissing(s.io(), name(spec), StripeLayout.ofObjectSize(objectSizeBytes));
                List<Object> positions = new ArrayList<>();
                try (JournalWriter w = JournalWriter.open(s.io(), name(spec), s.options(),
                        JournalMetrics.unregistered(name(spec)))) {
                    for (byte[] p : payloads) {
                        positions.add(w.append(p));
                    }
                }
                print(spec, Map.of("journal", name(spec), "positions", positions), "appended " + payloads.size()
                        + " entries at " + positions);
                return 0;
            }
        }
    }

    /** Creates journal {@code name} unless it (or a pointer for it) exists. */
    static void createIfMissing(IoCtx io, String name, StripeLayout layout) {
        String front = JournalPointer.read(io, name).front();
        try {
            Journal.readHeader(io, new JournalObjects(front));
        } catch (RadosException.NotFound none) {
            try {
                Journal.create(io, new JournalObjects(front), layout);
            } catch (RadosException.Exists raced) {
                // another writer created it first: the same journal
            }
        }
    }
}
