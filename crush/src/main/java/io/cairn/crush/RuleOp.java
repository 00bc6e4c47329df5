package io.cairn.crush;

/** Rule step operations, with Ceph's numeric codes (CRUSH_RULE_*) and text names. */
public enum RuleOp {
    NOOP(0, "noop"),
    TAKE(1, "take"),
    CHOOSE_FIRSTN(2, "choose firstn"),
    CHOOSE_INDEP(3, "choose indep"),
    EMIT(4, "emit"),
    CHOOSELEAF_FIRSTN(6, "chooseleaf firstn"),
    CHOOSELEAF_INDEP(7, "chooseleaf indep"),
    SET_CHOOSE_TRIES(8, "set_choose_tries"),
    SET_CHOOSELEAF_TRIES(9, "set_chooseleaf_tries"),
    SET_CHOOSE_LOCAL_TRIES(10, "set_choose_local_tries"),
    SET_CHOOSE_LOCAL_FALLBACK_TRIES(11, "set_choose_local_fallback_tries"),
    SET_CHOOSELEAF_VARY_R(12, "set_chooseleaf_vary_r"),
    SET_CHOOSELEAF_STABLE(13, "set_chooseleaf_stable");

    private final int code;
    private final String text;

    RuleOp(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    /** How the step reads in a text map, without its arguments. */
    public String text() {
        return text;
    }

    public boolean isChoose() {
        return this == CHOOSE_FIRSTN || this == CHOOSE_INDEP || this == CHOOSELEAF_FIRSTN
                || this == CHOOSELEAF_INDEP;
    }

    public boolean isSetter() {
        return code >= SET_CHOOSE_TRIES.code;
    }

    /** The setter op for a text name such as {@code set_choose_tries}, or null. */
    public static RuleOp setterNamed(String name) {
        for (RuleOp op : values()) {
            if (op.isSetter() && op.text.equals(name)) {
                return op;
            }
        }
        return null;
    }
}
