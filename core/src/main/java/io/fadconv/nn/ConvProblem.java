package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.engine.EngineSetup;
import java.util.Locale;
import java.util.Random;

/**
 * One geometry of a per-sample convolution, as {@link ConvTuner} decides it: the input shape, the
 * kernels, the convolution parameters, the experts of a mixture (0 when per-sample kernels are
 * given) and whether gradients are recorded.
 *
 * @param input {@code [B, C, H, W]}
 * @param kernel {@code [O, C / groups, kh, kw]} (one sample's or one expert's)
 * @param stride the stride
 * @param padding the padding
 * @param dilation the dilation
 * @param groups the groups
 * @param experts K of a mixture ({@link DynamicConv2d#mixture}), or 0
 * @param training whether gradients are recorded (forward and backward are timed)
 */
public record ConvProblem(Shape input, Shape kernel, Shape stride, Shape padding, Shape dilation,
        int groups, int experts, boolean training) {

    /**
     * The problem of a call: training when DJL records gradients (only inside a
     * GradientCollector; {@code JniUtils.requiresGrad} is false for every non-leaf, so it cannot
     * tell).
     *
     * @param x the input
     * @param kernels per-sample kernels {@code [B, O, ...]} or experts {@code [K, O, ...]}
     * @param experts K for a mixture, 0 for per-sample kernels
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @param groups the groups
     * @return the problem
     */
    static ConvProblem of(NDArray x, Shape kernels, int experts, Shape stride, Shape padding,
            Shape dilation, int groups) {
        return new ConvProblem(x.getShape(), kernels.slice(1), stride, padding, dilation, groups,
                experts, ai.djl.pytorch.jni.JniUtils.isGradMode());
    }

    /**
     * The batch size.
     *
     * @return B
     */
    public long batch() {
        return input.get(0);
    }

    /**
     * Output height times width.
     *
     * @return the output pixels
     */
    public long outPixels() {
        return DynamicConv2d.outputSize(input.get(2), kernel.get(2), stride.get(0),
                padding.get(0), dilation.get(0)) * DynamicConv2d.outputSize(input.get(3),
                kernel.get(3), stride.get(1), padding.get(1), dilation.get(1));
    }

    /**
     * The key choices are kept under: the geometry, training or inference, and the engine
     * configuration in use (a choice under one need not hold under another).
     *
     * @return e.g. {@code train B8 C64 128x128 O64 k3x3 s1x1 p1x1 d1x1 g1 K4 default}
     */
    public String key() {
        return String.format(Locale.ROOT,
                "%s B%d C%d %dx%d O%d k%dx%d s%dx%d p%dx%d d%dx%d g%d%s %s",
                training ? "train" : "infer", input.get(0), input.get(1), input.get(2),
                input.get(3), kernel.get(0), kernel.get(2), kernel.get(3), stride.get(0),
                stride.get(1), padding.get(0), padding.get(1), dilation.get(0), dilation.get(1),
                groups, experts > 0 ? " K" + experts : "", EngineSetup.active());
    }

    /**
     * Runs the problem once with a strategy on data drawn from {@code random}: forward, and
     * backward of {@code sum(y^2)/2} (a dense gradient, as inside a network) when training.
     *
     * @param strategy the strategy
     * @param m where the data live
     * @param random the generator
     * @return something that depends on the whole result, to force completion
     */
    NDArray run(DynamicConv2d.Strategy strategy, NDManager m, Random random) {
        long b = batch();
        NDArray x = gaussian(m, random, input);
        NDArray y;
        NDArray leaf;
        if (experts > 0) {
            NDArray a = gaussian(m, random, new Shape(b, experts)).softmax(-1);
            leaf = gaussian(m, random, new Shape(experts).addAll(kernel));
            setRequiresGradient(x, leaf);
            y = DynamicConv2d.mixture(x, a, leaf, null, stride, padding, dilation, groups,
                    strategy);
        } else {
            leaf = gaussian(m, random, new Shape(b).addAll(kernel));
            setRequiresGradient(x, leaf);
            y = DynamicConv2d.conv2d(x, leaf, null, stride, padding, dilation, groups, strategy);
        }
        if (!training) {
            return y.get(0);
        }
        NDArray loss = y.mul(y).sum();
        ai.djl.pytorch.jni.JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) loss,
                (ai.djl.pytorch.engine.PtNDArray) loss.onesLike(), false, false);
        return leaf.getGradient();
    }

    private void setRequiresGradient(NDArray x, NDArray leaf) {
        if (training) {
            x.setRequiresGradient(true);
            leaf.setRequiresGradient(true);
        }
    }

    private static NDArray gaussian(NDManager m, Random random, Shape s) {
        float[] v = new float[Math.toIntExact(s.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return m.create(v, s);
    }
}
