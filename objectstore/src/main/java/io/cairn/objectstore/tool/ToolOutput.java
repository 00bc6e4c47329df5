package io.cairn.objectstore.tool;

import io.cairn.common.cli.GlobalOptions;
import io.cairn.common.cli.Json;
import io.cairn.common.cli.OutputFormat;
import picocli.CommandLine;

import java.io.PrintWriter;

/** Prints a command's result as text or JSON, as the {@code --format} global option asks. */
final class ToolOutput {
    private ToolOutput() {}

    /** The root's format when run under {@code cairn}, plain when the tool runs on its own. */
    static OutputFormat format(CommandLine.Model.CommandSpec spec) {
        Object root = spec.root().userObject();
        return root instanceof GlobalOptions g ? g.format() : OutputFormat.PLAIN;
    }

    static void print(CommandLine.Model.CommandSpec spec, Object jsonValue, String plainText) {
        PrintWriter out = spec.commandLine().getOut();
        OutputFormat f = format(spec);
        if (f.isJson()) {
            out.println(Json.write(jsonValue, f == OutputFormat.JSON_PRETTY));
        } else {
            out.print(plainText.endsWith("\n") || plainText.isEmpty() ? plainText : plainText + "\n");
        }
        out.flush();
    }
}
