package io.cairn.cli.rados;

import io.cairn.cli.NameOption;
import io.cairn.cli.admin.MonCall;
import io.cairn.client.IoCtx;
import io.cairn.client.ObjectInfo;
import io.cairn.client.Rados;
import io.cairn.common.cli.UserInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code cairn rados -p POOL ...}: the object tool, with the names and arguments of Ceph's
 * {@code rados} ({@code put NAME FILE}, {@code get NAME FILE}, "-" for stdin/stdout).
 */
@Command(name = "rados", mixinStandardHelpOptions = true, description = "Object tool: put, get, ls, xattrs, omap, bench.",
        subcommands = {RadosBench.class})
public final class RadosCommand implements Callable<Integer> {
    /** How Ceph's rados lssnap prints a snap's time. */
    private static final DateTimeFormatter SNAP_STAMP = DateTimeFormatter.ofPattern("yyyy.MM.dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MTIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ")
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--pool"}, scope = ScopeType.INHERIT, paramLabel = "POOL", preprocessor = NameOption.class,
            description = "Pool to use (a name that starts with '-': --pool=NAME).")
    String pool;

    @Option(names = {"-N", "--namespace"}, scope = ScopeType.INHERIT, paramLabel = "NS", preprocessor = NameOption.class,
            description = "Object namespace.")
    String namespace;

    @Option(names = {"-s", "--snap"}, scope = ScopeType.INHERIT, paramLabel = "SNAP",
            description = "Read at this pool snap (a name, or a self-managed snap id).")
    String snap;

    @Parameters(index = "0", arity = "0..1", paramLabel = "COMMAND", parameterConsumer = Words.class,
            description = "put, get, rm, stat, ls, append, truncate, setxattr, "
            + "getxattr, rmxattr, listxattr, setomapval, getomapval, rmomapkey, listomapkeys, listomapvals, "
            + "list-inconsistent-pg POOL, list-inconsistent-obj PGID, lssnap, mksnap SNAP, rmsnap SNAP, "
            + "rollback OBJ SNAP, listsnaps OBJ, bench. Put -- "
            + "before an object name that "
            + "starts with '-'.")
    String command;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARG", parameterConsumer = Words.class)
    List<String> args = new ArrayList<>();

    /**
     * Takes the command word and its arguments. Picocli would start the {@code bench} subcommand
     * at any word that names it, but after the command word such a word is an object name or a
     * value ({@code rados -p data put bench FILE}), as in Ceph's rados; so it is taken here.
     * Picocli has already matched the current word as a positional (not an option, not a
     * subcommand); only the subcommand names right after it need taking early.
     */
    public static final class Words implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> stack, ArgSpec argSpec, CommandSpec commandSpec) {
            RadosCommand rados = (RadosCommand) commandSpec.userObject();
            String word = stack.pop();
            if (argSpec == commandSpec.positionalParameters().get(0)) {
                rados.command = word;
            } else {
                rados.args.add(word);
            }
            while (!stack.isEmpty() && commandSpec.subcommands().containsKey(stack.peek())) {
                rados.args.add(stack.pop());
            }
        }
    }

    /** The Rados handle for this run, from the same config the admin commands use. */
    static Rados connect(CommandSpec spec) {
        return MonCall.rados(spec);
    }

    static String pool(CommandSpec spec, String pool) {
        if (pool == null || pool.isEmpty()) {
            throw new UserInputException("a pool is required: -p POOL");
        }
        return pool;
    }

    private String arg(int i, String what) {
        if (args.size() <= i) {
            throw new UserInputException("rados " + command + ": missing " + what);
        }
        return args.get(i);
    }

    @Override
    public Integer call() throws IOException {
        if (command == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "a rados command is required (see cairn rados --help)");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (command.equals("list-inconsistent-pg") || command.equals("list-inconsistent-obj")) {
            try (Rados rados = connect(spec)) {
                out.println(io.cairn.common.cli.Json.pretty(inconsistent(rados)));
            }
            out.flush();
            return 0;
        }
        // a usage error is told before any connection attempt
        String poolName = pool(spec, pool);
        try (Rados rados = connect(spec); IoCtx io = rados.ioCtx(poolName)) {
            io.namespace(namespace);
            if (snap != null) {
                io.setSnapRead(snapId(io, snap));
            }
            switch (command) {
                case "put" -> io.writeFull(arg(0, "object name"), input(arg(1, "file")));
                case "append" -> io.append(arg(0, "object name"), input(arg(1, "file")));
                case "get" -> output(arg(1, "file"), io.read(arg(0, "object name"), 0, 0));
                case "rm" -> {
                    for (String name : args) {
                        io.remove(name);
                    }
                }
                case "stat" -> {
                    ObjectInfo s = io.stat(arg(0, "object name"));
                    out.println(io.poolName() + "/" + args.get(0) + " mtime " + MTIME.format(Instant.ofEpochMilli(s.mtimeMs()))
                            + ", size " + s.sizeBytes());
                }
                case "truncate" -> io.truncate(arg(0, "object name"), Long.parseLong(arg(1, "size")));
                case "ls" -> {
                    Iterator<IoCtx.ListedObject> it = io.listObjects(false);
                    while (it.hasNext()) {
                        out.println(it.next().name());
                    }
                }
                case "setxattr" -> io.setXattr(arg(0, "object name"), arg(1, "attr name"),
                        args.size() > 2 ? args.get(2).getBytes(StandardCharsets.UTF_8) : System.in.readAllBytes());
                case "getxattr" -> {
                    out.flush();
                    System.out.write(io.getXattr(arg(0, "object name"), arg(1, "attr name")));
                    System.out.flush();
                }
                case "rmxattr" -> io.rmXattr(arg(0, "object name"), arg(1, "attr name"));
                case "listxattr" -> io.getXattrs(arg(0, "object name")).keySet().forEach(out::println);
                case "setomapval" -> io.omapSet(arg(0, "object name"), Map.of(arg(1, "key"),
                        args.size() > 2 ? args.get(2).getBytes(StandardCharsets.UTF_8) : System.in.readAllBytes()));
                case "getomapval" -> {
                    var vals = io.operate(arg(0, "object name"), new io.cairn.client.ObjectReadOperation()
                            .omapGetValsByKeys(List.of(arg(1, "key")))).results().get(0).getValsMap();
                    if (!vals.containsKey(args.get(1))) {
                        throw new UserInputException("No such key: " + io.poolName() + "/" + args.get(0) + "/" + args.get(1));
                    }
                    byte[] v = vals.get(args.get(1)).toByteArray();
                    out.println("value (" + v.length + " bytes) :");
                    out.print(Hexdump.format(v));
                }
                case "rmomapkey" -> io.omapRmKeys(arg(0, "object name"), List.of(arg(1, "key")));
                case "listomapkeys" -> listOmap(io, arg(0, "object name"), false, out);
                case "listomapvals" -> listOmap(io, arg(0, "object name"), true, out);
                case "mksnap" -> {
                    io.snapCreate(arg(0, "snap name"));
                    out.println("created pool " + poolName + " snap " + args.get(0));
                }
                case "rmsnap" -> {
                    io.snapRemove(arg(0, "snap name"));
                    out.println("removed pool " + poolName + " snap " + args.get(0));
                }
                case "rollback" -> {
                    io.selfManagedSnapRollback(arg(0, "object name"), snapId(io, arg(1, "snap name")));
                    out.println("rolled back pool " + poolName + " to snapshot " + args.get(1));
                }
                case "listsnaps" -> listSnaps(io.listSnaps(arg(0, "object name")), args.get(0), out);
                case "lssnap" -> {
                    List<Long> ids = io.snapList();
                    for (long id : ids) {
                        out.println(id + "\t" + io.snapGetName(id) + "\t" + SNAP_STAMP.format(
                                java.time.Instant.ofEpochMilli(io.snapGetStamp(id))));
                    }
                    out.println(ids.size() + " snaps");
                }
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "unknown rados command '" + command + "'");
            }
        }
        out.flush();
        return 0;
    }

    /**
     * {@code rados list-inconsistent-pg POOL}: the pool's PGs a scrub found inconsistent (from the
     * monitors); {@code rados list-inconsistent-obj PGID}: which copies of which objects are bad and
     * why (from the PG's primary, which ran the scrub).
     */
    private String inconsistent(Rados rados) {
        if (command.equals("list-inconsistent-obj")) {
            return rados.pgCommand(arg(0, "pgid"), "list-inconsistent-obj");
        }
        String poolName = arg(0, "pool name");
        var r = rados.monCommand("pg ls-by-pool", Map.of("pool", poolName, "states", "inconsistent"));
        if (r.getCode() != 0) {
            throw io.cairn.client.RadosException.of(io.cairn.common.ErrorCode.of(r.getCode()), r.getMessage());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ls = (Map<String, Object>) io.cairn.common.cli.Json.parse(r.getOutputJson());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stats = (List<Map<String, Object>>) ls.get("pg_stats");
        return io.cairn.common.cli.Json.write(stats.stream().map(m -> m.get("pgid")).toList(), false);
    }

    /** A pool snap's id by name; a number names a self-managed snap. */
    private static long snapId(IoCtx io, String name) {
        try {
            return io.snapLookup(name);
        } catch (io.cairn.client.RadosException.NotFound e) {
            try {
                return Long.parseUnsignedLong(name);
            } catch (NumberFormatException notANumber) {
                throw new UserInputException("No such snapshot '" + name + "' in pool " + io.poolName());
            }
        }
    }

    /** As Ceph's {@code rados listsnaps}: one line per clone (id, snaps, size, overlap), then the head. */
    private static void listSnaps(io.cairn.client.SnapSetListing ls, String oid, PrintWriter out) {
        out.println(oid + ":");
        out.println("cloneid\tsnaps\tsize\toverlap");
        for (io.cairn.client.SnapSetListing.Clone c : ls.clones()) {
            StringBuilder line = new StringBuilder(c.isHead() ? "head" : Long.toUnsignedString(c.cloneId()));
            line.append('\t').append(c.snaps().isEmpty() ? "-"
                    : String.join(",", c.snaps().stream().map(Long::toUnsignedString).toList()));
            line.append('\t').append(c.sizeBytes());
            if (!c.isHead()) {
                line.append("\t[").append(String.join(",", c.overlap().stream()
                        .map(e -> e.offset() + "~" + e.length()).toList())).append(']');
            }
            out.println(line);
        }
    }

    private static void listOmap(IoCtx io, String oid, boolean withValues, PrintWriter out) {
        String after = "";
        for (int page = 0; page < 1_000_000; page++) {
            var vals = io.omapGetVals(oid, after, "", 512);
            if (vals.isEmpty()) {
                return;
            }
            for (var e : vals.entrySet()) {
                out.println(e.getKey());
                if (withValues) {
                    out.println("value (" + e.getValue().length + " bytes) :");
                    out.print(Hexdump.format(e.getValue()));
                    out.println();
                }
            }
            after = vals.lastKey();
        }
    }

    private static byte[] input(String file) throws IOException {
        if (file.equals("-")) {
            return System.in.readAllBytes();
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new UserInputException("error reading " + file + ": no such file");
        }
        return Files.readAllBytes(p);
    }

    private void output(String file, byte[] data) throws IOException {
        if (file.equals("-")) {
            spec.commandLine().getOut().flush();
            OutputStream out = System.out;
            out.write(data);
            out.flush();
            return;
        }
        Files.write(Path.of(file), data);
    }

    /** {@code hexdump -C} layout, as rados prints omap values. */
    static final class Hexdump {
        private Hexdump() {}

        static String format(byte[] data) {
            StringBuilder sb = new StringBuilder();
            for (int off = 0; off < data.length; off += 16) {
                sb.append(String.format("%08x ", off));
                StringBuilder ascii = new StringBuilder();
                for (int i = 0; i < 16; i++) {
                    if (i == 8) {
                        sb.append(' ');
                    }
                    if (off + i < data.length) {
                        int b = data[off + i] & 0xff;
                        sb.append(String.format(" %02x", b));
                        ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
                    } else {
                        sb.append("   ");
                    }
                }
                sb.append("  |").append(ascii).append("|\n");
            }
            sb.append(String.format("%08x%n", data.length));
            return sb.toString();
        }
    }
}
