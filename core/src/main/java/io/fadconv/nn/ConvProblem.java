package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.fadconv.engine.Completion;
import io.fadconv.engine.EngineConv;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.KernelMemory;
import io.fadconv.engine.LiveTaps;
import java.util.Locale;
import java.util.function.BinaryOperator;

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
        return LiveTaps.outputSize(input.get(2), kernel.get(2), stride.get(0),
                padding.get(0), dilation.get(0)) * LiveTaps.outputSize(input.get(3),
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
     * Bytes of the input unfolded for a convolution by matrix product (float32, groups = 1):
     * {@code C kh kw} values per output pixel of each sample.
     *
     * @return bytes
     */
    public long unfoldedBytes() {
        return batch() * input.get(1) * kernel.get(2) * kernel.get(3) * outPixels() * Float.BYTES;
    }

    /**
     * Bytes of the per-sample kernels (float32): {@code O C/groups kh kw} values per sample.
     *
     * @return bytes
     */
    public long kernelBytes() {
        return batch() * kernel.size() * Float.BYTES;
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
     * The data a problem is timed on, made once per geometry in the engine and copied there for
     * every run: input, kernels (per-sample or experts) and the mixture's attention.
     *
     * @param x the input, {@code [B, H, W, C]} when the engine runs channels-last, else
     *     {@code [B, C, H, W]}
     * @param kernels per-sample kernels {@code [B, O, ...]} or experts {@code [K, O, ...]}
     * @param attention the attention {@code [B, K]} of a mixture, near uniform, or null
     * @param channelsLast whether {@code x} is in {@code [B, H, W, C]} order
     */
    record Data(NDArray x, NDArray kernels, NDArray attention, boolean channelsLast) {}

    /** Values in a pattern that {@link #spread} repeats: a prime, so no axis aligns with it. */
    private static final int PATTERN = 4093;

    /**
     * The patterns of the input, the kernels and the attention, computed once per process: a
     * loop over them at every draw became hot enough for the JVM's optimising compiler, whose
     * 280 ms of work (96 and 181 ms, AMD EPYC) then shared the two cores with the candidates
     * being timed. At this size the three loops stay in the interpreter.
     */
    private static final float[][] PATTERNS = {pattern(1), pattern(2), pattern(3)};

    /**
     * The problem's data, in {@code m}: values spread over [-1, 1) by hashing (only the timing
     * matters, and no generator is touched, so seeded runs stay reproducible).
     *
     * @param m where the data lives
     * @return the data
     */
    Data draw(NDManager m) {
        long b = batch();
        boolean nhwc = EngineSetup.active().layout() == io.fadconv.engine.ConvLayout.CHANNELS_LAST;
        NDArray x = spread(m, nhwc ? new Shape(b, input.get(2), input.get(3), input.get(1))
                : input, 1);
        // arranged as the layers keep and mix them
        NDArray kernels = KernelMemory.arrange(
                spread(m, new Shape(experts > 0 ? experts : b).addAll(kernel), 2));
        NDArray a = experts > 0
                ? spread(m, new Shape(b, experts), 3).muli(0.05f).addi(1f / experts) : null;
        return new Data(x, kernels, a, nhwc);
    }

    /**
     * One timed run.
     *
     * @param forwardMs milliseconds of the forward (with the loss when training)
     * @param totalMs milliseconds of forward and backward, NaN when the backward did not run
     */
    record Run(double forwardMs, double totalMs) {}

    /**
     * A timed forward, its autograd graph alive while its manager is open (the backward of
     * {@link #run} follows it; {@link TimingRounds} holds no graph while another candidate runs).
     *
     * @param forwardMs milliseconds of the forward (with the loss when training)
     * @param output the output, in the layout the network goes on in
     * @param loss the loss {@code sum(y^2)}, null in inference
     * @param kernels the kernel leaf, whose gradient completes the backward
     */
    record Forward(double forwardMs, NDArray output, NDArray loss, NDArray kernels) {}

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
        return completed(forward(strategy, m, data), backward);
    }

    /**
     * Times one run of a static convolution of the problem's geometry, as {@link #run} times a
     * strategy: one kernel {@code [O, C / groups, kh, kw]}, in the order a network's parameter
     * is kept, for every sample. What a strategy's time is set against.
     *
     * @param m where the run's arrays live (closed by the caller)
     * @param data the data
     * @param backward whether a training run also runs the backward
     * @return the times
     */
    Run runStatic(NDManager m, Data data, boolean backward) {
        return completed(timed(m, data, spread(m, kernel, 2), (x, w) ->
                EngineConv.conv2d(x, w, null, stride, padding, dilation, groups)), backward);
    }

    private Run completed(Forward f, boolean backward) {
        return new Run(f.forwardMs(), backward && training ? f.forwardMs() + backward(f)
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
        NDArray a = data.attention() == null ? null : copy(data.attention(), m);
        return timed(m, data, copy(data.kernels(), m), (x, k) -> experts > 0
                ? DynamicConv2d.mixture(x, a, k, null, null, stride, padding, dilation, groups,
                        strategy)
                : DynamicConv2d.conv2d(x, k, null, stride, padding, dilation, groups, strategy));
    }

    /**
     * Times a convolution of a fresh copy of the input with a kernel leaf, and its loss when
     * training.
     */
    private Forward timed(NDManager m, Data data, NDArray kLeaf,
            BinaryOperator<NDArray> convolution) {
        NDArray xLeaf = copy(data.x(), m);
        if (training) {
            xLeaf.setRequiresGradient(true);
            kLeaf.setRequiresGradient(true);
        }
        NDArray x = data.channelsLast() ? xLeaf.transpose(0, 3, 1, 2) : xLeaf;
        long t0 = System.nanoTime();
        NDArray y = convolution.apply(x, kLeaf);
        if (data.channelsLast()) {
            // the network goes on channels-last: an output left in NCHW is copied back by the
            // next convolution (and its gradient on the way back), so the copy counts here
            y = EngineConv.channelsLast(y);
        }
        if (!training) {
            Completion.await(y);
            return new Forward((System.nanoTime() - t0) / 1e6, y, null, kLeaf);
        }
        NDArray loss = y.mul(y).sum();
        Completion.await(loss);
        return new Forward((System.nanoTime() - t0) / 1e6, y, loss, kLeaf);
    }

    /**
     * Times the backward of a training forward.
     *
     * @param f the forward, its manager still open
     * @return milliseconds
     */
    private double backward(Forward f) {
        long t0 = System.nanoTime();
        ai.djl.pytorch.jni.JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) f.loss(),
                (ai.djl.pytorch.engine.PtNDArray) f.loss().onesLike(), false, false);
        Completion.await(f.kernels().getGradient());
        return (System.nanoTime() - t0) / 1e6;
    }

    /** A run's own copy (a fresh leaf), made by the engine. */
    private static NDArray copy(NDArray source, NDManager m) {
        NDArray c = source.duplicate();
        c.attach(m);
        return c;
    }

    /**
     * An array of the shape whose values repeat a pattern of {@link #PATTERN} values spread over
     * [-1, 1) by hashing their index with a salt: the engine copies the pattern (computing every
     * value in Java and copying it over, or computing it in the engine, cost 80-200 ms per
     * network, tens of megabytes of experts per deep layer).
     */
    private static NDArray spread(NDManager m, Shape shape, int salt) {
        long n = shape.size();
        try (NDManager scratch = m.newSubManager()) {
            NDArray v = scratch.create(PATTERNS[salt - 1]).tile((n + PATTERN - 1) / PATTERN)
                    .get(new NDIndex(":{}", n)).reshape(shape);
            v.attach(m);
            return v;
        }
    }

    private static float[] pattern(int salt) {
        float[] pattern = new float[PATTERN];
        for (int i = 0; i < pattern.length; i++) {
            long h = (i + salt * 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L;
            pattern[i] = (h >>> 40) * 0x1p-23f - 1f; // 24 high bits -> [-1, 1)
        }
        return pattern;
    }
}
