package io.fadconv.engine;

import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The ways this project can run convolutions on the PyTorch native: one registry of the
 * configurations the engine self-check chooses among, and that a user can force with
 * {@code -Dfadconv.engine=<name>} or {@code FADCONV_ENGINE=<name>}.
 *
 * <p>Each configuration says how convolution inputs are laid out in memory (which selects
 * different oneDNN kernels), whether ATen may use oneDNN at all, and an optional cap on the
 * instruction set oneDNN may use. The cap is read by oneDNN once, at its first use, so it can only
 * be set before the engine runs anything: it is never chosen automatically, only forced.
 */
public enum EngineConfig {

    /** PyTorch's own choice: NCHW tensors, oneDNN at the CPU's full instruction set. */
    DEFAULT("default", "oneDNN at the CPU's full ISA, NCHW (PyTorch's default)",
            ConvLayout.NCHW, true, null),
    /**
     * Convolution inputs in channels-last memory (NHWC strides, same NCHW shape): oneDNN then
     * runs its brgemm kernels on plain NHWC activations instead of channel blocks of 16 padded
     * with unused lanes (the layout of every convolution found wrong on an AMD Zen 5).
     */
    CHANNELS_LAST("channels-last", "oneDNN at the CPU's full ISA, convolution inputs channels-last",
            ConvLayout.CHANNELS_LAST, true, null),
    /**
     * NCHW while gradients are recorded (training), channels-last in inference: chosen by the
     * speed race when each layout wins in its own mode, never forced by a failed check (it is
     * correct where both {@link #DEFAULT} and {@link #CHANNELS_LAST} are).
     */
    CHANNELS_LAST_INFERENCE("channels-last-inference", "oneDNN at the CPU's full ISA, NCHW while "
            + "training, convolution inputs channels-last in inference", ConvLayout.NCHW,
            ConvLayout.CHANNELS_LAST, true, null),
    /**
     * Channels-last, with the kinds of convolution oneDNN computed wrong on an AMD Zen 5 kept
     * away from it ({@link GuardedConv}); tried after {@link #CHANNELS_LAST}.
     */
    CHANNELS_LAST_GUARDED("channels-last-guarded", "oneDNN at the CPU's full ISA, convolution "
            + "inputs channels-last, except the kinds of convolution found wrong there on an AMD "
            + "Zen 5 (1 x 1 as a matrix product; one input channel zero-padded to 16; grouped "
            + "with channel groups not multiples of 16, and dilated depthwise, unfolded into a "
            + "matrix product)",
            ConvLayout.CHANNELS_LAST,
            ConvLayout.CHANNELS_LAST, true, null, true),
    /** ATen's own convolutions (im2col + BLAS); oneDNN is not used. Slow but independent. */
    ONEDNN_OFF("onednn-off", "ATen's own convolutions, oneDNN switched off",
            ConvLayout.NCHW, false, null),
    /** oneDNN capped at AVX2 (forced only: oneDNN reads the cap before its first use). */
    ISA_AVX2("isa-avx2", "oneDNN capped at AVX2, NCHW", ConvLayout.NCHW, true, "AVX2"),
    /** oneDNN capped at SSE4.1 (forced only: oneDNN reads the cap before its first use). */
    ISA_SSE41("isa-sse41", "oneDNN capped at SSE4.1, NCHW", ConvLayout.NCHW, true, "SSE41");

    /** The configurations the self-check tries, in order, when none is forced. */
    public static final List<EngineConfig> AUTOMATIC = List.of(DEFAULT, CHANNELS_LAST,
            CHANNELS_LAST_GUARDED, ONEDNN_OFF);

    private final String id;
    private final String description;
    private final ConvLayout trainingLayout;
    private final ConvLayout inferenceLayout;
    private final boolean oneDnn;
    private final String maxIsa;
    private final boolean guarded;

    EngineConfig(String id, String description, ConvLayout layout, boolean oneDnn,
            String maxIsa) {
        this(id, description, layout, layout, oneDnn, maxIsa, false);
    }

    EngineConfig(String id, String description, ConvLayout trainingLayout,
            ConvLayout inferenceLayout, boolean oneDnn, String maxIsa) {
        this(id, description, trainingLayout, inferenceLayout, oneDnn, maxIsa, false);
    }

    EngineConfig(String id, String description, ConvLayout trainingLayout,
            ConvLayout inferenceLayout, boolean oneDnn, String maxIsa, boolean guarded) {
        this.guarded = guarded;
        this.id = id;
        this.description = description;
        this.trainingLayout = trainingLayout;
        this.inferenceLayout = inferenceLayout;
        this.oneDnn = oneDnn;
        this.maxIsa = maxIsa;
    }

    /**
     * Finds a configuration by its name.
     *
     * @param name a name such as {@code channels-last}
     * @return the configuration
     * @throws IllegalArgumentException naming the valid names
     */
    public static EngineConfig of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (EngineConfig c : values()) {
            if (c.id.equals(n)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown engine configuration '" + name
                + "'; valid: auto, " + names());
    }

    /**
     * The valid names, comma-separated.
     *
     * @return the names
     */
    public static String names() {
        return Arrays.stream(values()).map(EngineConfig::id).collect(Collectors.joining(", "));
    }

    /**
     * The name used on the command line, in properties and in reports.
     *
     * @return the name
     */
    public String id() {
        return id;
    }

    /**
     * One line saying what the configuration does.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * How convolution inputs are laid out in memory now: in training when DJL records gradients
     * (inside a GradientCollector), in inference otherwise.
     *
     * @return the layout
     */
    public ConvLayout layout() {
        return layout(JniUtils.isGradMode());
    }

    /**
     * How convolution inputs are laid out in memory in one mode.
     *
     * @param training true for training (gradients recorded)
     * @return the layout
     */
    public ConvLayout layout(boolean training) {
        return training ? trainingLayout : inferenceLayout;
    }

    /**
     * Every layout this configuration runs convolutions in.
     *
     * @return one or two layouts
     */
    public Set<ConvLayout> layouts() {
        return EnumSet.of(trainingLayout, inferenceLayout);
    }

    /**
     * The full-ISA oneDNN configuration with given layouts per mode.
     *
     * @param training the layout while training
     * @param inference the layout in inference
     * @return the configuration, or null when there is none (channels-last only in training)
     */
    public static EngineConfig withLayouts(ConvLayout training, ConvLayout inference) {
        for (EngineConfig c : values()) {
            if (c.oneDnn && c.maxIsa == null && !c.guarded && c.trainingLayout == training
                    && c.inferenceLayout == inference) {
                return c;
            }
        }
        return null;
    }

    /**
     * Whether this configuration is known correct when the given ones are: itself checked, or
     * made of checked ones ({@link #CHANNELS_LAST_INFERENCE} of {@link #DEFAULT} and
     * {@link #CHANNELS_LAST}).
     *
     * @param correct the configurations that passed the check
     * @return true when covered
     */
    public boolean coveredBy(java.util.Collection<EngineConfig> correct) {
        return correct.contains(this) || this == CHANNELS_LAST_INFERENCE
                && correct.containsAll(List.of(DEFAULT, CHANNELS_LAST));
    }

    /**
     * Whether ATen may use oneDNN.
     *
     * @return true when oneDNN stays enabled
     */
    public boolean oneDnn() {
        return oneDnn;
    }

    /**
     * The instruction-set cap for oneDNN ({@code DNNL_MAX_CPU_ISA}), or null for none.
     *
     * @return the cap or null
     */
    public String maxIsa() {
        return maxIsa;
    }

    /**
     * Whether the kinds of convolution oneDNN computed wrong on an AMD Zen 5 are kept away from
     * it ({@link GuardedConv}).
     *
     * @return true for {@code channels-last-guarded}
     */
    public boolean guarded() {
        return guarded;
    }

    /**
     * Whether this configuration must be set before the engine's first computation.
     *
     * @return true for an instruction-set cap
     */
    public boolean needsSetupBeforeLoad() {
        return maxIsa != null;
    }

    @Override
    public String toString() {
        return id;
    }
}
