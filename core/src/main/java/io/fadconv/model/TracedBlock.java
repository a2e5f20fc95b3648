package io.fadconv.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;

/**
 * A composite block whose children are initialised and whose output shapes are computed from one
 * description of its data flow, {@link #trace}. Subclasses write {@code trace} and
 * {@code forwardInternal}; the tests check that both agree (output shapes, every parameterised
 * child visited exactly once).
 */
public abstract class TracedBlock extends AbstractBlock implements Traceable {

    protected TracedBlock(byte version) {
        super(version);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        trace(new Tracer() {
            @Override
            public Shape[] child(String key, Block child, Shape... in) {
                child.initialize(manager, dataType, in);
                return child.getOutputShapes(in);
            }

            @Override
            public Shape op(TracedOp op) {
                return op.output();
            }
        }, inputs);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return trace(SHAPES, inputs);
    }

    /** A tracer that only propagates shapes. */
    public static final Tracer SHAPES = new Tracer() {
        @Override
        public Shape[] child(String key, Block child, Shape... in) {
            return child.getOutputShapes(in);
        }

        @Override
        public Shape op(TracedOp op) {
            return op.output();
        }
    };
}
