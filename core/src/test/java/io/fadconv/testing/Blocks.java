package io.fadconv.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.fadconv.nn.TorchStateDict;
import io.fadconv.nn.TorchWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers to run blocks and read their parameters by PyTorch name in tests. */
public final class Blocks {

    private Blocks() {}

    /**
     * Initialises a block for an input shape.
     *
     * @param block the block
     * @param m the manager
     * @param input the input shape
     * @param <B> the block type
     * @return the block
     */
    public static <B extends Block> B init(B block, NDManager m, Shape input) {
        block.initialize(m, DataType.FLOAT32, input);
        return block;
    }

    /**
     * One forward pass.
     *
     * @param block the block
     * @param x the input
     * @param training training mode
     * @return the single output
     */
    public static NDArray forward(Block block, NDArray x, boolean training) {
        return block.forward(new ParameterStore(x.getManager(), false), new NDList(x), training)
                .singletonOrThrow();
    }

    /**
     * The block's parameters as doubles by PyTorch key.
     *
     * @param block an initialised block
     * @return values by key
     */
    public static Map<String, double[]> params(Block block) {
        Map<String, double[]> out = new LinkedHashMap<>();
        TorchWeights.stateDict(block).entries().forEach((k, e) -> {
            if (e instanceof TorchStateDict.ParamEntry p) {
                out.put(k, Tensors.values(p.parameter().getArray()));
            }
        });
        return out;
    }

    /**
     * Overwrites every parameter with uniform values in [-scale, scale], so tests do not depend
     * on the initial distribution (and biases are not all zero).
     *
     * @param block an initialised block
     * @param rnd the generator
     * @param scale the half-width
     */
    public static void randomize(Block block, java.util.Random rnd, float scale) {
        TorchWeights.stateDict(block).entries().forEach((k, e) -> {
            if (e instanceof TorchStateDict.ParamEntry p) {
                NDArray a = p.parameter().getArray();
                float[] v = Tensors.uniform(rnd, (int) a.size());
                for (int i = 0; i < v.length; i++) {
                    v[i] *= scale;
                }
                a.set(v);
            }
        });
    }
}
