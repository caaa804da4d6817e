package dev.unmask.io;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** What a safetensors file holds: named tensors in data order and the {@code __metadata__} strings. */
public final class SafetensorsContent {
    private final Map<String, String> metadata;
    private final Map<String, TensorEntry> tensors;

    SafetensorsContent(Map<String, String> metadata, Map<String, TensorEntry> tensors) {
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** The {@code __metadata__} map in header order; empty when the file has none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensors in the order their bytes appear in the data section. */
    public List<TensorEntry> tensors() {
        return List.copyOf(tensors.values());
    }

    /** Elements of every tensor together (the sum of {@link TensorEntry#numel()}). */
    public long elementCount() {
        long n = 0;
        for (TensorEntry e : tensors.values()) {
            n += e.numel();
        }
        return n;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor called {@code name}; a missing name is a {@link NoSuchElementException} naming it. */
    public TensorEntry tensor(String name) {
        TensorEntry e = tensors.get(name);
        if (e == null) {
            throw new NoSuchElementException("no tensor '" + name + "' (the file holds " + tensors.size() + " tensors)");
        }
        return e;
    }

    /**
     * Every tensor converted onto {@code backend} (see {@link TensorEntry#toTensor(Backend)}), keyed by
     * name in data order.
     */
    public Map<String, Tensor> toTensors(Backend backend) throws SafetensorsFormatException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (TensorEntry e : tensors.values()) {
            out.put(e.name(), e.toTensor(backend));
        }
        return out;
    }
}
