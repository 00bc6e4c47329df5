package io.cairn.cli;

import java.util.Map;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The preprocessor of an option whose value is a name (pool, namespace, snapshot): a value
 * attached to the option ({@code --pool=-N}, {@code -p=--debug}, {@code -p-x}) is taken as the
 * name whatever it looks like.
 *
 * <p>Why: Ceph allows a pool called {@code -N} or {@code --}, and picocli refuses any value that
 * is one of the command's options or the end-of-options delimiter, even when attached. Picocli's
 * {@code allowOptionsAsOptionParameters} would lift that for separate values too, and then
 * {@code cairn rados -p --format json ls} (a forgotten pool) would quietly use a pool called
 * "--format" and run a command called "json". With this, only the explicit, attached form takes
 * such a value, and a separate one still fails with picocli's clear "Expected parameter" error.
 * Values that cannot be mistaken for options go through picocli as usual.
 */
public final class NameOption implements CommandLine.IParameterPreprocessor {
    /** Put after picocli's "Expected parameter for option ..." message for a name option. */
    static final String ATTACH_HINT = "a name that starts with '-' must be attached: %s=NAME";

    @Override
    public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
        boolean attached = !" ".equals(info.get("separator"));
        if (!attached || args.isEmpty() || !args.peek().startsWith("-")) {
            return false;
        }
        argSpec.setValue(args.pop());
        return true;
    }
}
