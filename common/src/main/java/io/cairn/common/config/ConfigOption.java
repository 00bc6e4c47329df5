package io.cairn.common.config;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * One typed config option: Ceph's name where Ceph has one, a default, a unit, a one-line
 * description, whether it may change at runtime, and a range check on every value.
 *
 * @param <T> the Java type of the value
 */
public final class ConfigOption<T> {
    private final String name;
    private final ConfigType type;
    private final T defaultValue;
    private final String unit;
    private final String description;
    private final boolean runtime;
    private final Predicate<T> valid;
    private final String validDescription;

    private ConfigOption(String name, ConfigType type, T defaultValue, String unit, String description,
                         boolean runtime, Predicate<T> valid, String validDescription) {
        this.name = Objects.requireNonNull(name);
        this.type = Objects.requireNonNull(type);
        this.defaultValue = Objects.requireNonNull(defaultValue, name + " needs a default");
        this.unit = unit;
        this.description = Objects.requireNonNull(description);
        this.runtime = runtime;
        this.valid = valid;
        this.validDescription = validDescription;
        if (!type.javaType().isInstance(defaultValue)) {
            throw new IllegalArgumentException(name + ": default is not " + type);
        }
        if (!valid.test(defaultValue)) {
            throw new IllegalArgumentException(name + ": default " + defaultValue + " fails its own check");
        }
    }

    /** Starts an option; finish with {@link Builder#build()}. */
    public static <T> Builder<T> builder(String name, ConfigType type, T defaultValue) {
        return new Builder<>(name, type, defaultValue);
    }

    public String name() {
        return name;
    }

    public ConfigType type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** The unit bare numbers are in (e.g. "seconds"), or "" when it has none. */
    public String unit() {
        return unit;
    }

    public String description() {
        return description;
    }

    /** True if the option may be changed while the daemon runs. */
    public boolean runtime() {
        return runtime;
    }

    /** The allowed values in words ("1..64", ">= 1"), or "" when any value of the type is allowed. */
    public String validRange() {
        return validDescription;
    }

    /** Parses and range-checks a value; IllegalArgumentException names the option and the reason. */
    @SuppressWarnings("unchecked")
    public T parse(String text) {
        T v;
        try {
            v = (T) type.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad value for " + name + ": " + e.getMessage());
        }
        if (!valid.test(v)) {
            throw new IllegalArgumentException("bad value for " + name + ": " + text + " (" + validDescription + ")");
        }
        return v;
    }

    public String format(T value) {
        return type.format(value);
    }

    /** Builds a {@link ConfigOption}. */
    public static final class Builder<T> {
        private final String name;
        private final ConfigType type;
        private final T defaultValue;
        private String unit = "";
        private String description;
        private boolean runtime;
        private Predicate<T> valid = v -> true;
        private String validDescription = "";

        private Builder(String name, ConfigType type, T defaultValue) {
            this.name = name;
            this.type = type;
            this.defaultValue = defaultValue;
        }

        public Builder<T> unit(String u) {
            unit = u;
            return this;
        }

        public Builder<T> description(String d) {
            description = d;
            return this;
        }

        public Builder<T> runtime() {
            runtime = true;
            return this;
        }

        public Builder<T> check(Predicate<T> p, String what) {
            valid = p;
            validDescription = what;
            return this;
        }

        public ConfigOption<T> build() {
            return new ConfigOption<>(name, type, defaultValue, unit, description, runtime, valid, validDescription);
        }
    }
}
