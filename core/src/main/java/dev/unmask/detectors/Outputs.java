package dev.unmask.detectors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An immutable set of typed extra outputs ({@link OutputKey} to value). */
public final class Outputs {
    public static final Outputs NONE = new Outputs(Map.of());

    private final Map<OutputKey<?>, Object> values;

    private Outputs(Map<OutputKey<?>, Object> values) {
        this.values = values;
    }

    /** These outputs with {@code key} set to {@code value} (replacing an earlier value). */
    public <T> Outputs with(OutputKey<T> key, T value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("output key and value must not be null");
        }
        Map<OutputKey<?>, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, key.type().cast(value));
        return new Outputs(Collections.unmodifiableMap(copy));
    }

    /** The value of {@code key}, when the family produced it. */
    public <T> Optional<T> get(OutputKey<T> key) {
        return Optional.ofNullable(key.type().cast(values.get(key)));
    }

    public Set<OutputKey<?>> keys() {
        return values.keySet();
    }
}
