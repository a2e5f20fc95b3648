package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import io.fadconv.testing.Blocks;
import java.util.Random;

/** Test helpers for the dynamic convolutions with BatchNorm inside their attention. */
final class RivalTesting {

    private RivalTesting() {}

    /**
     * Every parameter uniform in [-0.5, 0.5] ({@link Blocks#randomize}), then BatchNorm running
     * variances moved to [0.5, 1] so they stay valid variances.
     *
     * @param block an initialised block
     * @param rnd the generator
     */
    static void randomize(Block block, Random rnd) {
        Blocks.randomize(block, rnd, 0.5f);
        TorchWeights.stateDict(block).entries().forEach((k, e) -> {
            if (k.endsWith("running_var") && e instanceof TorchStateDict.ParamEntry p) {
                NDArray a = p.parameter().getArray();
                float[] v = a.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] = Math.abs(v[i]) + 0.5f;
                }
                a.set(v);
            }
        });
    }
}
