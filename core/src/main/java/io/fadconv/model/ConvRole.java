package io.fadconv.model;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a convolution does in a network. A model's replacement policy is a set of roles: the
 * convolutions with those roles are built from the model's {@link io.fadconv.nn.ConvSpec}, all
 * others are static.
 */
public enum ConvRole {
    /** The first convolution of an encoder (never replaced in the paper). */
    STEM,
    /** A 3x3 convolution of a ResNet basic block. */
    BLOCK,
    /** A 1x1 shortcut projection of a ResNet block. */
    DOWNSAMPLE,
    /** A 1x1 convolution of MobileNetV2 (expansion, projection, the last 320->1280). */
    POINTWISE,
    /** A depthwise 3x3 convolution of MobileNetV2. */
    DEPTHWISE,
    /**
     * A convolution of DeepLabV3+'s ASPP (branches, pooling branch, projection; both halves of a
     * separable one).
     */
    ASPP,
    /** A convolution of a decoder (UNet blocks, DeepLabV3+ refinement and low-level projection). */
    DECODER,
    /** The segmentation head. */
    HEAD;

    /** @return the name in options ({@code block}, {@code downsample}, ...) */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a {@code +}-separated role list such as {@code block+downsample}; {@code none} is the
     * empty set.
     *
     * @param text the list
     * @return the roles
     * @throws IllegalArgumentException naming the valid roles
     */
    public static Set<ConvRole> parseSet(String text) {
        Set<ConvRole> roles = EnumSet.noneOf(ConvRole.class);
        if (text.strip().equals("none")) {
            return roles;
        }
        for (String part : text.split("\\+")) {
            String p = part.strip().toUpperCase(Locale.ROOT);
            try {
                roles.add(valueOf(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown convolution role '" + part.strip()
                        + "'; valid roles: " + validKeys() + " (join with +), or none", e);
            }
        }
        return roles;
    }

    /**
     * Formats a role set as {@link #parseSet} reads it.
     *
     * @param roles the roles
     * @return e.g. {@code block+aspp}, or {@code none}
     */
    public static String format(Set<ConvRole> roles) {
        return roles.isEmpty() ? "none"
                : roles.stream().map(ConvRole::key).collect(Collectors.joining("+"));
    }

    /** @return the valid role names, comma separated */
    public static String validKeys() {
        return Arrays.stream(values()).map(ConvRole::key).collect(Collectors.joining(", "));
    }
}
