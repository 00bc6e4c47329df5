package io.cairn.crush;

/**
 * One step of a rule. For TAKE, arg1 is the item taken (a shadow bucket when the text said
 * {@code take X class C}); for the choose steps arg1 is the count (0 = as many as asked, negative =
 * that many fewer) and arg2 the bucket type; for the setters arg1 is the value.
 */
public record RuleStep(RuleOp op, int arg1, int arg2) {
    public RuleStep {
        if (op == null) {
            throw new IllegalArgumentException("rule step needs an op");
        }
    }

    public static RuleStep take(int item) {
        return new RuleStep(RuleOp.TAKE, item, 0);
    }

    public static RuleStep emit() {
        return new RuleStep(RuleOp.EMIT, 0, 0);
    }
}
