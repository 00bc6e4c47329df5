package io.cairn.cli.fs;

import io.cairn.cli.admin.MonCall;
import io.cairn.client.RadosException;
import io.cairn.client.fs.CairnFs;
import io.cairn.client.fs.DirEntry;
import io.cairn.client.fs.FileHandle;
import io.cairn.client.fs.FileStat;
import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.cli.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The file commands under {@code cairn fs}, in the argument order of cp, mv and ln: {@code ls},
 * {@code mkdir}, {@code put LOCAL PATH}, {@code get PATH LOCAL}, {@code cat}, {@code rm},
 * {@code stat}, {@code mv FROM TO}, {@code ln [-s] TARGET LINK}. Each mounts the file system for
 * the one run. {@code fs ls} without a path is the monitors' list of file systems, as in Ceph.
 */
public final class FsFileCommands {
    static final int IO_CHUNK_BYTES = 4 << 20;

    private FsFileCommands() {}

    /** Hangs the file commands under the {@code fs} group (after the mon commands are installed). */
    public static void install(CommandLine root) {
        CommandLine fs = root.getSubcommands().get("fs");
        if (fs == null) {
            throw new IllegalStateException("no 'fs' command group to hang the file commands under");
        }
        // the monitors' fs ls, fs get NAME and fs rm NAME are reached through these by their arguments
        for (String taken : List.of("ls", "get", "rm")) {
            if (fs.getSubcommands().containsKey(taken)) {
                fs.getCommandSpec().removeSubcommand(taken);
            }
        }
        for (Object c : List.of(new Ls(), new Mkdir(), new Put(), new Get(), new Cat(), new Rm(), new Stat(), new Mv(),
                new Ln(), new FsBench())) {
            CommandLine cl = new CommandLine(c);
            fs.addSubcommand(cl.getCommandName(), cl);
        }
    }

    /** What every file command shares: the --fs option, a mount for the run, and its error line. */
    abstract static class FileCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--fs", paramLabel = "NAME", description = "The file system (default: the only one).")
        String fsName;

        @Override
        public Integer call() throws IOException {
            try (FsMount m = FsMount.open(spec, fsName)) {
                try {
                    return run(m.fs, spec.commandLine().getOut());
                } catch (RadosException e) {
                    throw FsMount.failure(subject(), e);
                }
            }
        }

        /** What the command names, for its error line ("/a/b: No such file or directory"). */
        abstract String subject();

        abstract int run(CairnFs fs, PrintWriter out) throws IOException;

        boolean json() {
            return ((GlobalOptions) spec.root().userObject()).format().isJson();
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = "List a directory (PATH), or with no path the file systems (name, metadata pool, data pools).")
    static final class Ls extends FileCommand {
        @Option(names = "-l", description = "Long listing: mode, links, owner, size, mtime.")
        boolean longFormat;

        @Parameters(arity = "0..1", paramLabel = "PATH")
        String path;

        @Override
        public Integer call() throws IOException {
            return path == null ? MonCall.run(spec, "fs ls", Map.of()) : super.call();
        }

        @Override
        String subject() {
            return path;
        }

        @Override
        int run(CairnFs fs, PrintWriter out) {
            FileStat st = fs.stat(path);
            List<DirEntry> entries = st.isDirectory() ? fs.readdir(path)
                    : List.of(new DirEntry(path.substring(path.lastIndexOf('/') + 1), st));
            for (DirEntry e : entries) {
                out.println(longFormat ? longLine(e) : e.name());
            }
            out.flush();
            return 0;
        }

        private static String longLine(DirEntry e) {
            FileStat s = e.stat();
            return String.format("%s %3d %5d %5d %12d %s %s", modeString(s), s.nlink(), s.uid(), s.gid(), s.sizeBytes(),
                    Instant.ofEpochMilli(s.mtimeMs()), e.name());
        }
    }

    @Command(name = "mkdir", mixinStandardHelpOptions = true, description = "Make a directory.")
    static final class Mkdir extends FileCommand {
        @Option(names = "-p", description = "Make parents as needed; an existing directory is fine.")
        boolean parents;

        @Option(names = "-m", paramLabel = "MODE", defaultValue = "755", description = "Permissions, octal (default ${DEFAULT-VALUE}).")
        String mode;

        @Parameters(paramLabel = "PATH")
        String path;

        @Override
        String subject() {
            return path;
        }

        @Override
        int run(CairnFs fs, PrintWriter out) {
            int bits = FileStat.S_IFDIR | Integer.parseInt(mode, 8);
            if (parents) {
                fs.mkdirs(path, bits);
            } else {
                fs.mkdir(path, bits);
            }
            return 0;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Copy a local file (or - for stdin) into the file system.")
    static final class Put extends FileCommand {
        @Parameters(index = "0", paramLabel = "LOCAL_FILE")
        String local;

        @Parameters(index = "1", paramLabel = "PATH")
        String path;

        @Override
        String subject() {
            return path;
        }

        @Override
        int run(CairnFs fs, PrintWriter out) throws IOException {
            try (InputStream in = local.equals("-") ? System.in : Files.newInputStream(Path.of(local));
                 FileHandle h = fs.create(path, FileStat.S_IFREG | 0644, false)) {
                if (h.size() > 0) {
                    h.truncate(0);
                }
                byte[] buf = new byte[IO_CHUNK_BYTES];
                long at = 0;
                int n;
                while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                    h.write(at, buf, 0, n);
                    at += n;
                }
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Copy a file out of the file system (LOCAL_FILE - for stdout); with one NAME, the file "
                    + "system's settings and ranks (the monitors' fs get).")
    static final class Get extends FileCommand {
        @Parameters(arity = "1..2", paramLabel = "PATH LOCAL_FILE | NAME")
        List<String> args;

        @Override
        public Integer call() throws IOException {
            return args.size() == 1 ? MonCall.run(spec, "fs get", Map.of("fs_name", args.get(0))) : super.call();
        }

        @Override
        String subject() {
            return args.get(0);
        }

        @Override
        int run(CairnFs fs, PrintWriter out) throws IOException {
            String local = args.get(1);
            if (local.equals("-")) {
                out.flush();
                copyOut(fs, args.get(0), System.out);
                System.out.flush();
                return 0;
            }
            try (OutputStream o = Files.newOutputStream(Path.of(local), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                copyOut(fs, args.get(0), o);
            }
            return 0;
        }
    }

    @Command(name = "cat", mixinStandardHelpOptions = true, description = "Print a file.")
    static final class Cat extends FileCommand {
        @Parameters(paramLabel = "PATH")
        String path;

        @Override
        String subject() {
            return path;
        }

        @Override
        int run(CairnFs fs, PrintWriter out) throws IOException {
            out.flush();
            copyOut(fs, path, System.out);
            System.out.flush();
            return 0;
        }
    }

    static void copyOut(CairnFs fs, String path, OutputStream o) throws IOException {
        try (FileHandle h = fs.open(path, false)) {
            for (long at = 0; at < h.size(); ) {
                byte[] b = h.read(at, IO_CHUNK_BYTES);
                if (b.length == 0) {
                    break;
                }
                o.write(b);
                at += b.length;
            }
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove a file or symlink, a directory with -r (an empty one without); a NAME that is not a "
                    + "path with --yes-i-really-mean-it removes that file system (the monitors' fs rm).")
    static final class Rm extends FileCommand {
        @Option(names = {"-r", "-R"}, description = "Remove directories and what they hold.")
        boolean recursive;

        @Option(names = "--yes-i-really-mean-it", description = "Confirms removing a whole file system.")
        boolean confirmed;

        @Parameters(paramLabel = "PATH | NAME")
        String path;

        @Override
        public Integer call() throws IOException {
            if (!path.startsWith("/")) {
                return MonCall.run(spec, "fs rm", confirmed ? Map.of("fs_name", path, "yes_i_really_mean_it", "true")
                        : Map.of("fs_name", path));
            }
            return super.call();
        }

        @Override
        String subject() {
            return path;
        }

        @Override
        int run(CairnFs fs, PrintWriter out) {
            remove(fs, path);
            return 0;
        }

        private void remove(CairnFs fs, String p) {
            FileStat st = fs.lstat(p);
            if (!st.isDirectory()) {
                fs.unlink(p);
                return;
            }
            if (recursive) {
                for (DirEntry e : fs.readdir(p)) {
                    remove(fs, (p.endsWith("/") ? p : p + "/") + e.name());
                }
            }
            fs.rmdir(p);
        }
    }

    @Command(name = "stat", mixinStandardHelpOptions = true, description = "Show a file's inode: type, size, links, owner, mode, times.")
    static final class Stat extends FileCommand {
        @Parameters(paramLabel = "PATH")
        String path;

        @Override
        String subject() {
            return path;
        }

        @Override
        int run(CairnFs fs, PrintWriter out) {
            FileStat s = fs.lstat(path);
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", path);
                m.put("ino", s.ino());
                m.put("type", type(s));
                m.put("mode", String.format("%04o", s.permissions()));
                m.put("size", s.sizeBytes());
                m.put("nlink", s.nlink());
                m.put("uid", s.uid());
                m.put("gid", s.gid());
                m.put("atime", Instant.ofEpochMilli(s.atimeMs()).toString());
                m.put("mtime", Instant.ofEpochMilli(s.mtimeMs()).toString());
                m.put("ctime", Instant.ofEpochMilli(s.ctimeMs()).toString());
                out.println(Json.write(m, ((GlobalOptions) spec.root().userObject()).format() == io.cairn.common.cli.OutputFormat.JSON_PRETTY));
            } else {
                out.printf("  File: %s%n  Size: %d\tType: %s%nInode: %x\tLinks: %d%nAccess: (%04o/%s)  Uid: %d  Gid: %d%n"
                                + "Access: %s%nModify: %s%nChange: %s%n", path, s.sizeBytes(), type(s), s.ino(), s.nlink(),
                        s.permissions(), modeString(s), s.uid(), s.gid(), Instant.ofEpochMilli(s.atimeMs()),
                        Instant.ofEpochMilli(s.mtimeMs()), Instant.ofEpochMilli(s.ctimeMs()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "mv", mixinStandardHelpOptions = true, description = "Rename FROM to TO (replacing TO as rename(2) does).")
    static final class Mv extends FileCommand {
        @Parameters(index = "0", paramLabel = "FROM")
        String from;

        @Parameters(index = "1", paramLabel = "TO")
        String to;

        @Override
        String subject() {
            return from + " -> " + to;
        }

        @Override
        int run(CairnFs fs, PrintWriter out) {
            fs.rename(from, to);
            return 0;
        }
    }

    @Command(name = "ln", mixinStandardHelpOptions = true, description = "Make LINK another name of TARGET (a hard link), or a symlink with -s.")
    static final class Ln extends FileCommand {
        @Option(names = "-s", description = "A symbolic link holding TARGET as text.")
        boolean symbolic;

        @Parameters(index = "0", paramLabel = "TARGET")
        String target;

        @Parameters(index = "1", paramLabel = "LINK")
        String link;

        @Override
        String subject() {
            return link;
        }

        @Override
        int run(CairnFs fs, PrintWriter out) {
            if (symbolic) {
                fs.symlink(target, link);
            } else {
                fs.link(target, link);
            }
            return 0;
        }
    }

    static String type(FileStat s) {
        return s.isDirectory() ? "directory" : s.isSymlink() ? "symbolic link" : s.isFile() ? "regular file" : "other";
    }

    static String modeString(FileStat s) {
        StringBuilder b = new StringBuilder(s.isDirectory() ? "d" : s.isSymlink() ? "l" : "-");
        String rwx = "rwx";
        for (int i = 8; i >= 0; i--) {
            b.append((s.permissions() & (1 << i)) != 0 ? rwx.charAt(2 - i % 3) : '-');
        }
        return b.toString();
    }
}
