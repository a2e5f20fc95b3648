package io.fadconv.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/** What a {@link Traceable} block reports its data flow to. */
public interface Tracer {

    /**
     * A child block runs on these inputs.
     *
     * @param key the child's PyTorch key relative to the parent ({@code conv1}, {@code 0}); empty
     *     when the child's own keys sit directly in the parent's namespace
     * @param child the child block
     * @param inputs its input shapes
     * @return its output shapes
     */
    Shape[] child(String key, Block child, Shape... inputs);

    /**
     * A parameter-free operation runs (pooling, interpolation, addition, ...).
     *
     * @param op the operation
     * @return its output shape
     */
    Shape op(TracedOp op);

    /**
     * Convenience for single-input, single-output children.
     *
     * @param key the child's key
     * @param child the child
     * @param input its input shape
     * @return its output shape
     */
    default Shape single(String key, Block child, Shape input) {
        return child(key, child, input)[0];
    }
}
