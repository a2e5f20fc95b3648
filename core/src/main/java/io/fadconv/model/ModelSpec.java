package io.fadconv.model;

import io.fadconv.nn.ConvSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that defines a network: its name ({@code resnet18-unet}, ...), the convolution spec
 * of the replaced convolutions, input channels (3 for GID RGB, 4 for Hi-CNA BGRN), classes, and
 * model options ({@code decoder=256/128/64/32/16}, {@code replace=block+downsample}, ...; the
 * valid keys and their defaults are listed by {@link Models#describe()}). Validated on
 * construction: an unknown name, key or value is an {@link IllegalArgumentException} listing what
 * is valid.
 *
 * @param name the model name
 * @param conv the spec of the replaced convolutions ({@code static} for the baseline)
 * @param inChannels input channels
 * @param classes output channels (logits)
 * @param options model options given (defaults are not filled in), in the model's key order
 */
public record ModelSpec(String name, ConvSpec conv, int inChannels, int classes,
        Map<String, String> options) {

    /** Validates. */
    public ModelSpec {
        ModelType type = Models.type(name);
        name = type.name();
        if (conv == null) {
            throw new IllegalArgumentException("model " + name + ": a convolution spec is required"
                    + " (e.g. static or fadconv:k=4,p=16)");
        }
        if (inChannels < 1) {
            throw new IllegalArgumentException(
                    "model " + name + ": input channels must be >= 1, got " + inChannels);
        }
        if (classes < 1) {
            throw new IllegalArgumentException(
                    "model " + name + ": classes must be >= 1, got " + classes);
        }
        options = Collections.unmodifiableMap(type.canonical(options == null ? Map.of() : options));
    }

    /**
     * A spec without options.
     *
     * @param name the model name
     * @param conv the convolution spec string
     * @param inChannels input channels
     * @param classes classes
     * @return the spec
     */
    public static ModelSpec of(String name, String conv, int inChannels, int classes) {
        return new ModelSpec(name, ConvSpec.parse(conv), inChannels, classes, Map.of());
    }

    /**
     * This spec with one more option.
     *
     * @param key the key
     * @param value the value
     * @return a new spec
     */
    public ModelSpec withOption(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(options);
        m.put(key, value);
        return new ModelSpec(name, conv, inChannels, classes, m);
    }

    /**
     * This spec with another convolution spec (the same network, another conv type).
     *
     * @param other the spec
     * @return a new spec
     */
    public ModelSpec withConv(ConvSpec other) {
        return new ModelSpec(name, other, inChannels, classes, options);
    }

    /**
     * An option's value, or the model's default.
     *
     * @param key the key
     * @return the value
     */
    public String option(String key) {
        String v = options.get(key);
        return v != null ? v : Models.type(name).defaultValue(key);
    }

    /**
     * Every option of the model with its value, given or default, in key order.
     *
     * @return the resolved options
     */
    public Map<String, String> resolvedOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        for (var key : Models.type(name).keys()) {
            m.put(key.name(), option(key.name()));
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * This spec with every option resolved, so two specs that build the same network print the
     * same.
     *
     * @return e.g. {@code resnet18-unet conv=static in=3 classes=6 width=1 decoder=auto ...}
     */
    public String resolvedString() {
        return new ModelSpec(name, conv, inChannels, classes, resolvedOptions()).toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" conv=").append(conv)
                .append(" in=").append(inChannels).append(" classes=").append(classes);
        options.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }
}
