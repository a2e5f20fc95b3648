package io.fadconv.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PyTorch {@code state_dict} view of a block tree: every tensor under the key PyTorch would
 * give it. Three kinds of entries exist:
 *
 * <ul>
 *   <li>parameters (weights, biases, BatchNorm running statistics), loaded and saved;
 *   <li>constants, buffers the reference registers but that follow from the configuration (the
 *       DCT matrix): written on save so PyTorch's strict loading accepts the file, and compared on
 *       load so a file made for another configuration is refused;
 *   <li>counters (BatchNorm's {@code num_batches_tracked}): written as 0, ignored on load.
 * </ul>
 */
public final class TorchStateDict {

    /** One entry. */
    public sealed interface Entry permits ParamEntry, ConstantEntry, CounterEntry {}

    /**
     * A trainable or running-statistics parameter.
     *
     * @param parameter the DJL parameter
     * @param torchShape the shape PyTorch gives it, when it differs from the DJL array's (a
     *     {@code Linear} weight {@code [out, in]} that PyTorch holds as a 1x1 convolution
     *     {@code [out, in, 1, 1]}); null when equal
     */
    public record ParamEntry(Parameter parameter, Shape torchShape) implements Entry {

        /**
         * An entry whose PyTorch shape is the array's own.
         *
         * @param parameter the DJL parameter
         */
        public ParamEntry(Parameter parameter) {
            this(parameter, null);
        }

        /** @return the shape in PyTorch's state_dict */
        public Shape shape() {
            return torchShape != null ? torchShape : parameter.getArray().getShape();
        }
    }

    /**
     * A buffer derived from the configuration.
     *
     * @param shape its shape
     * @param values its values, row-major
     * @param tolerance the largest absolute difference accepted on load
     */
    public record ConstantEntry(Shape shape, float[] values, float tolerance) implements Entry {}

    /** An int64 counter such as {@code num_batches_tracked}. */
    public record CounterEntry() implements Entry {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /**
     * Adds a parameter.
     *
     * @param key the full key
     * @param parameter the parameter
     */
    public void parameter(String key, Parameter parameter) {
        put(key, new ParamEntry(parameter));
    }

    /**
     * Adds a parameter that PyTorch holds in another shape with the same elements in the same
     * order (a 1x1 convolution's weight {@code [out, in, 1, 1]} for a DJL Linear's
     * {@code [out, in]}).
     *
     * @param key the full key
     * @param parameter the parameter
     * @param torchShape the shape in PyTorch
     */
    public void parameter(String key, Parameter parameter, Shape torchShape) {
        put(key, new ParamEntry(parameter, torchShape));
    }

    /**
     * Adds a DJL {@code Linear} that the reference implements as {@code nn.Conv2d(in, out, 1)} on
     * a {@code [B, C, 1, 1]} tensor: same numbers, weight shaped {@code [out, in, 1, 1]}.
     *
     * @param prefix the prefix, empty or ending in a dot
     * @param linear an initialised Linear
     */
    public void linearAsConv1x1(String prefix, Block linear) {
        Map<String, Parameter> p = direct(linear);
        Parameter w = p.get("weight");
        parameter(prefix + "weight", w, w.getArray().getShape().addAll(new Shape(1, 1)));
        if (p.containsKey("bias")) {
            parameter(prefix + "bias", p.get("bias"));
        }
    }

    /**
     * Adds a derived constant.
     *
     * @param key the full key
     * @param shape the shape
     * @param values the values
     */
    public void constant(String key, Shape shape, float[] values) {
        put(key, new ConstantEntry(shape, values, 1e-6f));
    }

    /**
     * Adds a counter.
     *
     * @param key the full key
     */
    public void counter(String key) {
        put(key, new CounterEntry());
    }

    private void put(String key, Entry e) {
        if (entries.putIfAbsent(key, e) != null) {
            throw new IllegalStateException("duplicate state_dict key " + key);
        }
    }

    /**
     * Adds the entries of a child block under {@code prefix}: a {@link TorchModule} names its own;
     * DJL's Linear, Conv2d and BatchNorm use PyTorch's names; a SequentialBlock numbers its
     * children from 0 like {@code nn.Sequential}.
     *
     * @param prefix the prefix, empty or ending in a dot
     * @param block the block
     */
    public void child(String prefix, Block block) {
        if (block instanceof TorchModule m) {
            m.torchState(prefix, this);
        } else if (block instanceof Linear || block instanceof Convolution) {
            Map<String, Parameter> p = direct(block);
            parameter(prefix + "weight", p.get("weight"));
            if (p.containsKey("bias")) {
                parameter(prefix + "bias", p.get("bias"));
            }
        } else if (block instanceof BatchNorm) {
            Map<String, Parameter> p = direct(block);
            parameter(prefix + "weight", p.get("gamma"));
            parameter(prefix + "bias", p.get("beta"));
            parameter(prefix + "running_mean", p.get("runningMean"));
            parameter(prefix + "running_var", p.get("runningVar"));
            counter(prefix + "num_batches_tracked");
        } else if (block instanceof SequentialBlock) {
            int i = 0;
            for (Block c : block.getChildren().values()) {
                child(prefix + i + ".", c);
                i++;
            }
        } else if (!block.getDirectParameters().isEmpty() || !block.getChildren().isEmpty()) {
            throw new IllegalArgumentException(
                    "no PyTorch names known for " + block.getClass().getSimpleName() + " at '"
                            + prefix + "'; implement TorchModule");
        }
    }

    private static Map<String, Parameter> direct(Block block) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        block.getDirectParameters().forEach(p -> m.put(p.getKey(), p.getValue()));
        return m;
    }

    /**
     * The entries in insertion order.
     *
     * @return an unmodifiable view
     */
    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }
}
