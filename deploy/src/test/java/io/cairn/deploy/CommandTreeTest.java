package io.cairn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.cli.CairnMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The whole {@code cairn} command as the release jar has it, daemons' commands included: the
 * words a user types reach the command they name, or are refused without asking any cluster.
 */
class CommandTreeTest {
    @Test
    void anUnknownWordBeforeASubcommandIsRefusedNotDropped() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // `osd` takes a daemon's option overrides, which once swallowed "foo" and ran `osd ls`
        int code = CairnMain.run(new PrintWriter(out, true), new PrintWriter(err, true), "-c", "/nonexistent.conf",
                "osd", "foo", "ls");
        assertEquals(CairnMain.EXIT_USAGE, code, err.toString());
        assertEquals("", out.toString());
        assertEquals(List.of("cairn: unknown command 'osd foo' (see 'cairn osd --help')"), err.toString().lines().toList());
    }

    @Test
    void cephsOldBlacklistWordNamesTheBlocklistCommands() {
        CommandLine cl = CairnMain.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertEquals("cairn osd blocklist add", lastCommand(cl.parseArgs("osd", "blacklist", "add", "127.0.0.1:0/7")));
        assertEquals("cairn osd blocklist ls", lastCommand(cl.parseArgs("osd", "blacklist", "ls")));
        assertEquals("cairn osd blocklist rm", lastCommand(cl.parseArgs("osd", "blacklist", "rm", "127.0.0.1:0/7")));
    }

    private static String lastCommand(CommandLine.ParseResult parsed) {
        List<CommandLine> chain = parsed.asCommandLineList();
        return chain.get(chain.size() - 1).getCommandSpec().qualifiedName();
    }
}
