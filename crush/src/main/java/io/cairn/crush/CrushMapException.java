package io.cairn.crush;

/**
 * A map that cannot be built: unknown names, duplicate ids, cycles, bad weights, rules that take
 * nothing. Carries the text line (1-based) when it came from a text map, 0 otherwise.
 */
public class CrushMapException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;

    public CrushMapException(String reason) {
        this(0, reason);
    }

    public CrushMapException(int line, String reason) {
        super(line > 0 ? "line " + line + ": " + reason : reason);
        this.line = line;
    }

    /** 1-based line in the text map, or 0 when the error is not tied to a line. */
    public int line() {
        return line;
    }
}
