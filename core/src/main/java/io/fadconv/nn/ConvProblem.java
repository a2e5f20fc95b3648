package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.engine.EngineSetup;
import java.util.Locale;

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
     * Multiply-adds of convolving each sample with its own kernel (a mixture's
     * {@link DynamicConv2d.Strategy#EXPERT_SUM} does {@code experts} times as many).
     *
     * @return multiply-adds
     */
    public long madds() {
        return batch() * kernel.get(0) * kernel.get(1) * kernel.get(2) * kernel.get(3)
                * outPixels();
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
     * The data a problem is timed on, drawn once per geometry and copied into the engine for
     * every run: input, kernels (per-sample or experts) and the mixture's attention.
     *
     * @param x the input values, {@code [B, H, W, C]} order when the engine runs channels-last
     * @param kernels per-sample kernels or experts
     * @param attention the attention {@code [B, K]} of a mixture, softmaxed, or null
     */
    record Data(float[] x, float[] kernels, float[] attention) {}

    /**
     * The problem's data: values spread over [-1, 1) by hashing each index (only the timing
     * matters, and no generator is touched, so seeded runs stay reproducible). Cheap: a
     * generator's call per value cost 150 ms for the experts of one 512-channel layer.
     *
     * @return the data
     */
    Data draw() {
        float[] a = null;
        if (experts > 0) {
            a = new float[Math.toIntExact(batch() * experts)];
            float[] noise = spread(a.length, 3);
            for (int i = 0; i < a.length; i++) {
                a[i] = 1f / experts + 0.05f * noise[i];
            }
        }
        Shape k = new Shape(experts > 0 ? experts : batch()).addAll(kernel);
        return new Data(spread(input.size(), 1), spread(k.size(), 2), a);
    }

    /**
     * One timed run.
     *
     * @param forwardMs milliseconds of the forward (with the loss when training)
     * @param totalMs milliseconds of forward and backward, NaN when the backward did not run
     */
    record Run(double forwardMs, double totalMs) {}

    /**
     * A timed forward whose autograd graph is still alive (while its manager is open), so its
     * backward can be timed after other candidates' forwards.
     *
     * @param forwardMs milliseconds of the forward (with the loss when training)
     * @param loss the loss {@code sum(y^2)}, null in inference
     * @param kernels the kernel leaf, whose gradient completes the backward
     */
    record Forward(double forwardMs, NDArray loss, NDArray kernels) {}

    /**
     * The same geometry in inference.
     *
     * @return this problem with {@code training} false
     */
    ConvProblem inference() {
        return new ConvProblem(input, kernel, stride, padding, dilation, groups, experts, false);
    }

    /**
     * Times one run of the problem with a strategy: the forward, and when training and asked the
     * backward of {@code sum(y^2)/2} (a dense gradient, as inside a network).
     *
     * @param strategy the strategy
     * @param m where the run's arrays live (closed by the caller)
     * @param data the data
     * @param backward whether a training run also runs the backward
     * @return the times
     */
    Run run(DynamicConv2d.Strategy strategy, NDManager m, Data data, boolean backward) {
        Forward f = forward(strategy, m, data);
        return new Run(f.forwardMs(), backward && training ? f.forwardMs() + backward(f, false)
                : Double.NaN);
    }

    /**
     * Times the forward of the problem with a strategy. The input is handed over in the memory
     * layout the engine's convolutions receive inside a network (channels-last under that
     * configuration). Gradients are recorded when training (the caller sets the mode), and the
     * graph lives as long as {@code m}.
     *
     * @param strategy the strategy
     * @param m where the run's arrays live (closed by the caller)
     * @param data the data
     * @return the forward
     */
    Forward forward(DynamicConv2d.Strategy strategy, NDManager m, Data data) {
        long b = batch();
        boolean nhwc = EngineSetup.active().layout() == io.fadconv.engine.ConvLayout.CHANNELS_LAST;
        NDArray xLeaf = nhwc ? m.create(data.x(), new Shape(b, input.get(2), input.get(3),
                input.get(1))) : m.create(data.x(), input);
        NDArray kLeaf = m.create(data.kernels(),
                new Shape(experts > 0 ? experts : b).addAll(kernel));
        NDArray a = data.attention() == null ? null
                : m.create(data.attention(), new Shape(b, experts));
        if (training) {
            xLeaf.setRequiresGradient(true);
            kLeaf.setRequiresGradient(true);
        }
        NDArray x = nhwc ? xLeaf.transpose(0, 3, 1, 2) : xLeaf;
        long t0 = System.nanoTime();
        NDArray y = experts > 0
                ? DynamicConv2d.mixture(x, a, kLeaf, null, null, stride, padding, dilation, groups,
                        strategy)
                : DynamicConv2d.conv2d(x, kLeaf, null, stride, padding, dilation, groups,
                        strategy);
        if (!training) {
            y.get(0).toFloatArray(); // forces completion
            return new Forward((System.nanoTime() - t0) / 1e6, null, kLeaf);
        }
        NDArray loss = y.mul(y).sum();
        loss.toFloatArray(); // the forward has completed
        return new Forward((System.nanoTime() - t0) / 1e6, loss, kLeaf);
    }

    /**
     * Times the backward of a training forward.
     *
     * @param f the forward, its manager still open
     * @param keepGraph whether the graph stays for another backward
     * @return milliseconds
     */
    double backward(Forward f, boolean keepGraph) {
        long t0 = System.nanoTime();
        ai.djl.pytorch.jni.JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) f.loss(),
                (ai.djl.pytorch.engine.PtNDArray) f.loss().onesLike(), keepGraph, false);
        f.kernels().getGradient().get(0).toFloatArray(); // forces completion
        return (System.nanoTime() - t0) / 1e6;
    }

    private static float[] spread(long n, long salt) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            long h = (i + salt * 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L;
            v[i] = (h >>> 40) * 0x1p-23f - 1f; // 24 high bits -> [-1, 1)
        }
        return v;
    }
}
