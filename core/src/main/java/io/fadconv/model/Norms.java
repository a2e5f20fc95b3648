package io.fadconv.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.nn.ChannelAffine;
import io.fadconv.nn.TorchInit;

/** BatchNorm as {@code nn.BatchNorm2d} with PyTorch's defaults and initialisation. */
public final class Norms {

    /** PyTorch's BatchNorm epsilon, used by every BatchNorm built here. */
    public static final float EPSILON = 1e-5f;

    private Norms() {}

    /**
     * {@code nn.BatchNorm2d(C)}: eps 1e-5, momentum 0.1 (DJL's 0.9), weight 1, bias 0, running
     * mean 0, running variance 1, set explicitly.
     *
     * @return the block (channels are inferred)
     */
    public static BatchNorm batchNorm2d() {
        BatchNorm bn = BatchNorm.builder().optEpsilon(EPSILON).optMomentum(0.9f).build();
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

    /**
     * What a BatchNorm built by {@link #batchNorm2d} does in inference mode, as a per-channel
     * affine map: {@code scale = gamma / sqrt(running_var + eps)},
     * {@code shift = beta - running_mean * scale} (computed in double precision).
     *
     * @param bn an initialised BatchNorm from {@link #batchNorm2d}
     * @param manager owns the map's arrays
     * @return the map
     */
    public static ChannelAffine affine(Block bn, NDManager manager) {
        PairList<String, Parameter> p = bn.getDirectParameters();
        return ChannelAffine.ofBatchNorm(values(p, "gamma"), values(p, "beta"),
                values(p, "runningMean"), values(p, "runningVar"), EPSILON, manager);
    }

    private static float[] values(PairList<String, Parameter> params, String name) {
        Parameter p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("not a BatchNorm with " + name + ": " + params.keys());
        }
        return p.getArray().toFloatArray();
    }
}
