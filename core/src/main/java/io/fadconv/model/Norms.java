package io.fadconv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import io.fadconv.nn.TorchInit;

/** BatchNorm as {@code nn.BatchNorm2d} with PyTorch's defaults and initialisation. */
public final class Norms {

    private Norms() {}

    /**
     * {@code nn.BatchNorm2d(C)}: eps 1e-5, momentum 0.1 (DJL's 0.9), weight 1, bias 0, running
     * mean 0, running variance 1, set explicitly.
     *
     * @return the block (channels are inferred)
     */
    public static BatchNorm batchNorm2d() {
        BatchNorm bn = BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
        bn.setInitializer(TorchInit.constant(1f), Parameter.Type.GAMMA);
        bn.setInitializer(TorchInit.constant(0f), Parameter.Type.BETA);
        bn.setInitializer(TorchInit.constant(0f), Parameter.Type.RUNNING_MEAN);
        bn.setInitializer(TorchInit.constant(1f), Parameter.Type.RUNNING_VAR);
        return bn;
    }

    /**
     * Runs a BatchNorm. With a single value per channel (batch 1 on a 1x1 map, as in ASPP's
     * pooling branch) batch statistics do not exist and PyTorch's training mode fails; the running
     * statistics are used instead (and not updated), so every model trains at batch size 1.
     *
     * @param bn the block
     * @param ps the parameter store
     * @param x the input {@code [B, C, ...]}
     * @param training whether this is a training pass
     * @return the normalised array
     */
    public static NDArray forward(Block bn, ParameterStore ps, NDArray x, boolean training) {
        boolean batchStats = training && x.size() / x.getShape().get(1) > 1;
        return bn.forward(ps, new NDList(x), batchStats).singletonOrThrow();
    }
}
