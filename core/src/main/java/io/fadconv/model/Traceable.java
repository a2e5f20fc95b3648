package io.fadconv.model;

import ai.djl.ndarray.types.Shape;

/**
 * A composite block that describes its data flow on shapes: which child sees which input shape
 * (under which PyTorch key), and the parameter-free operations between them. The same description
 * initialises the children ({@link TracedBlock}), computes output shapes and lets the cost counter
 * ({@code io.fadconv.cost}) walk the built tree without running the model.
 */
public interface Traceable {

    /**
     * Walks this block's data flow.
     *
     * @param tracer receives every child and functional operation, in execution order
     * @param inputs the input shapes
     * @return the output shapes
     */
    Shape[] trace(Tracer tracer, Shape[] inputs);
}
