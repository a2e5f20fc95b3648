package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.fadconv.engine.ConvLayout;
import io.fadconv.engine.EngineConv;
import io.fadconv.engine.EngineSetup;
import io.fadconv.engine.KernelMemory;
import io.fadconv.engine.LiveTaps;
import io.fadconv.engine.Unfold;
import java.util.stream.LongStream;

/**
 * The functional ops every dynamic convolution shares, beside the blocks as
 * {@link Conv2d#conv2d} is beside {@link Conv2d}: mixing expert kernels with per-sample
 * attention (paper Eqs. 2-3) and convolving each sample with its own kernel (Eq. 4).
 */
public final class DynamicConv2d {

    private DynamicConv2d() {}

    /**
     * Per-sample weighted sum of experts: {@code out[b] = sum_e attention[b, e] * experts[e]}.
     * One matrix product, {@code [B, K] x [K, numel]}, over the kernels' values in memory order
     * ({@link KernelMemory}): kernels come out arranged as the experts are kept.
     *
     * @param attention {@code [B, K]}
     * @param experts {@code [K, ...]}
     * @return {@code [B, ...]}
     */
    public static NDArray mix(NDArray attention, NDArray experts) {
        Shape es = experts.getShape();
        long k = es.get(0);
        long b = attention.getShape().get(0);
        NDArray flat = attention.matMul(
                KernelMemory.values(experts, attention).reshape(k, es.size() / k));
        return KernelMemory.kernels(flat, new Shape(b).addAll(es.slice(1)));
    }

    /**
     * {@link #mix}, computed output channel by output channel: the same {@code [B, O, ...]}
     * values, as a view of memory ordered {@code [O, B, ...]}, made by one batched product of the
     * attention with each output channel's experts. One matrix product with four inner terms and
     * millions of columns runs far below the memory's speed: on an AMD EPYC, mixing 512 -> 512
     * 3 x 3 experts for a batch of 8 took 4.3 ms this way against 11.6 ms as one product in the
     * same run (6.5-11.9 ms in six runs), and forward and backward 30 against 36 ms
     * (BENCHMARKS.md). Only for consumers that take any row stride
     * ({@link Strategy#IM2COL_BMM}'s batched products); a convolution would copy it back.
     *
     * @param attention {@code [B, K]}
     * @param experts {@code [K, O, ...]}
     * @return {@code [B, O, ...]}, strided
     */
    static NDArray mixByOutputChannel(NDArray attention, NDArray experts) {
        Shape es = experts.getShape();
        long k = es.get(0);
        long o = es.get(1);
        long b = attention.getShape().get(0);
        NDArray perChannel = KernelMemory.values(experts, attention).transpose(1, 0, 2);
        NDArray mixed = attention.expandDims(0).broadcast(new Shape(o, b, k))
                .batchMatMul(perChannel);
        return KernelMemory.kernels(mixed.transpose(1, 0, 2),
                new Shape(b, o).addAll(es.slice(2)));
    }

    /**
     * How {@link #conv2d} runs: all give the same numbers; which is fastest depends on the shape
     * and the machine, so {@link ConvTuner} times them on first use ({@code fadconv bench
     * formulations} measures them side by side).
     */
    public enum Strategy {
        /**
         * One grouped convolution over the batch (the reference's formulation): the batch is
         * folded into channels and groups become {@code B * groups}.
         */
        GROUPED,
        /**
         * {@link #GROUPED} over each half of the batch, outputs concatenated: two grouped
         * convolutions of half the groups, whose weight gradients are larger products than the
         * per-sample ones; batch 4 or more.
         */
        CHUNKED_GROUPED,
        /**
         * {@link #GROUPED} in NCHW memory while the configuration runs the network channels-last
         * (one copy of the input into NCHW; the output is left NCHW for the ops after it, a copy
         * back to channels-last here measured no faster on an AMD EPYC, and {@link ConvTuner}
         * times it with the copy back the next convolution makes): oneDNN's grouped kernels for
         * many wide groups are not the same in both layouts; channels-last configurations only,
         * and not timed by the tuner under a guarded one ({@link ConvTuner#isCandidate}).
         */
        GROUPED_NCHW,
        /**
         * The input unfolded by slicing ({@code k*k} shifted views stacked), then one batched
         * matrix product per sample, {@code [O, C k k] x [C k k, H' W']}; groups = 1 only. A
         * mixture's kernels are mixed output channel by output channel
         * ({@link #mixByOutputChannel}), which the products take as they are.
         */
        IM2COL_BMM,
        /** One ordinary convolution per sample, outputs concatenated. */
        PER_SAMPLE,
        /**
         * For a linear mixture of experts only ({@link #mixture}): one ordinary convolution with
         * all K experts' filters ({@code K * O} outputs), then each sample's outputs mixed with
         * its attention, {@code y_b = sum_k a_bk (x_b * W_k)}, which equals convolving with the
         * mixed kernel. K times the multiply-adds of a static convolution, but dense ones, and
         * one large weight gradient instead of B small ones; groups = 1 only.
         */
        EXPERT_SUM;

        /**
         * Whether the strategy can run a geometry.
         *
         * @param batch the batch size
         * @param groups the groups of each sample's convolution
         * @param experts the experts of a mixture, 0 for given per-sample kernels
         * @return true when applicable
         */
        public boolean applies(long batch, int groups, int experts) {
            return applies(batch, groups, experts, EngineSetup.active().layout());
        }

        /**
         * Whether the strategy can run a geometry in a layout.
         *
         * @param batch the batch size
         * @param groups the groups of each sample's convolution
         * @param experts the experts of a mixture, 0 for given per-sample kernels
         * @param layout the layout the engine runs the mode's convolutions in
         * @return true when applicable
         */
        public boolean applies(long batch, int groups, int experts, ConvLayout layout) {
            return switch (this) {
                case GROUPED -> true;
                case IM2COL_BMM -> groups == 1 && batch > 1;
                case PER_SAMPLE -> batch > 1;
                case CHUNKED_GROUPED -> batch >= 4;
                case GROUPED_NCHW -> batch > 1 && layout == ConvLayout.CHANNELS_LAST;
                case EXPERT_SUM -> experts > 0 && groups == 1 && batch > 1;
            };
        }

        /**
         * The fixed rule used when tuning is off ({@code -Dfadconv.tune=off}), measured on an
         * Intel Xeon: {@link #IM2COL_BMM} for ungrouped convolutions with at most 64 output
         * pixels, or at most 256 with 512 or more input channels; otherwise {@link #GROUPED}
         * (resnet18-unet at 256 x 256: training step 1.25-1.27x static with the rule, 1.36x with
         * grouped everywhere; BENCHMARKS.md).
         *
         * @param inChannels input channels
         * @param outPixels output height times width
         * @param groups the groups
         * @return the strategy
         */
        public static Strategy rule(long inChannels, long outPixels, int groups) {
            if (groups == 1 && (outPixels <= 64 || (outPixels <= 256 && inChannels >= 512))) {
                return IM2COL_BMM;
            }
            return GROUPED;
        }
    }

    /**
     * Convolves each sample with its own kernel, with the {@link Strategy} {@link ConvTuner}
     * chose for the geometry.
     *
     * @param x {@code [B, C, H, W]}
     * @param kernels {@code [B, O, C / groups, kh, kw]}
     * @param bias {@code [B, O]} or null
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @param groups the groups of each sample's convolution
     * @return {@code [B, O, H', W']}
     */
    public static NDArray conv2d(NDArray x, NDArray kernels, NDArray bias, Shape stride,
            Shape padding, Shape dilation, int groups) {
        LiveTaps live = LiveTaps.of(x.getShape(), kernels.getShape(), stride, padding, dilation);
        if (live != null) { // the tuner then sees the geometry that runs
            return conv2d(x, live.crop(kernels), bias, stride, live.padding(), live.dilation(),
                    groups);
        }
        if (x.getShape().get(0) == 1) {
            return conv2d(x, kernels, bias, stride, padding, dilation, groups, Strategy.GROUPED);
        }
        return conv2d(x, kernels, bias, stride, padding, dilation, groups,
                ConvTuner.strategy(ConvProblem.of(x, kernels.getShape(), 0, stride, padding,
                        dilation, groups)));
    }

    /**
     * Convolves each sample with its own linear mixture of expert kernels (paper Eqs. 2-4):
     * {@code conv2d(x_b, sum_k a_bk W_k) + sum_k a_bk b_k}, with the {@link Strategy}
     * {@link ConvTuner} chose for the geometry (all of them, {@link Strategy#EXPERT_SUM}
     * included).
     *
     * @param x {@code [B, C, H, W]}
     * @param attention {@code [B, K]}
     * @param experts {@code [K, O, C / groups, kh, kw]}
     * @param biasExperts {@code [K, O]} or null
     * @param shift {@code [O]} added to every sample's bias (a folded BatchNorm's shift), or null
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @param groups the groups of each sample's convolution
     * @return {@code [B, O, H', W']}
     */
    public static NDArray mixture(NDArray x, NDArray attention, NDArray experts,
            NDArray biasExperts, NDArray shift, Shape stride, Shape padding, Shape dilation,
            int groups) {
        LiveTaps live = LiveTaps.of(x.getShape(), experts.getShape(), stride, padding, dilation);
        if (live != null) { // cropped before mixing: the dead taps are neither mixed nor timed
            return mixture(x, attention, live.crop(experts), biasExperts, shift, stride,
                    live.padding(), live.dilation(), groups);
        }
        Strategy s = x.getShape().get(0) == 1 ? Strategy.GROUPED
                : ConvTuner.strategy(ConvProblem.of(x, experts.getShape(),
                        (int) experts.getShape().get(0), stride, padding, dilation, groups));
        return mixture(x, attention, experts, biasExperts, shift, stride, padding, dilation,
                groups, s);
    }

    /**
     * A mixture convolution with a given strategy.
     *
     * @param x {@code [B, C, H, W]}
     * @param attention {@code [B, K]}
     * @param experts {@code [K, O, C / groups, kh, kw]}
     * @param biasExperts {@code [K, O]} or null
     * @param shift {@code [O]} added to every sample's bias (a folded BatchNorm's shift), or null
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @param groups the groups of each sample's convolution
     * @param strategy how to run it (one that {@link Strategy#applies})
     * @return {@code [B, O, H', W']}
     */
    public static NDArray mixture(NDArray x, NDArray attention, NDArray experts,
            NDArray biasExperts, NDArray shift, Shape stride, Shape padding, Shape dilation,
            int groups, Strategy strategy) {
        NDArray bias = biasExperts == null ? null : mix(attention, biasExperts);
        if (shift != null) {
            bias = bias == null ? ChannelAffine.perSample(shift, x) : bias.add(shift);
        }
        if (strategy != Strategy.EXPERT_SUM) {
            boolean strided = strategy == Strategy.IM2COL_BMM && x.getShape().get(0) > 1;
            return conv2d(x, strided ? mixByOutputChannel(attention, experts)
                    : mix(attention, experts), bias, stride, padding, dilation, groups, strategy);
        }
        long b = x.getShape().get(0);
        Shape es = experts.getShape();
        long k = es.get(0);
        long o = es.get(1);
        if (!strategy.applies(b, groups, (int) k)) {
            throw new IllegalArgumentException(strategy + " cannot run batch " + b + " with "
                    + groups + " groups");
        }
        NDArray weights = KernelMemory.kernels(KernelMemory.values(experts, x)
                .reshape(k * o, es.size() / (k * o)), new Shape(k * o).addAll(es.slice(2)));
        NDArray all = EngineConv.conv2d(x, weights, null, stride, padding, dilation, groups);
        Shape ys = all.getShape();
        NDArray y = attention.reshape(b, 1, k).batchMatMul(all.reshape(b, k, o * ys.get(2)
                * ys.get(3))).reshape(b, o, ys.get(2), ys.get(3));
        // the product wrote NCHW: handed on as a convolution's output
        return EngineConv.handedOn(bias == null ? y : y.add(bias.reshape(b, o, 1, 1)));
    }

    /**
     * Convolves each sample with its own kernel, with a given strategy.
     *
     * @param x {@code [B, C, H, W]}
     * @param kernels {@code [B, O, C / groups, kh, kw]}
     * @param bias {@code [B, O]} or null
     * @param stride the stride
     * @param padding the padding
     * @param dilation the dilation
     * @param groups the groups of each sample's convolution
     * @param strategy how to run it (one that {@link Strategy#applies})
     * @return {@code [B, O, H', W']}
     */
    public static NDArray conv2d(NDArray x, NDArray kernels, NDArray bias, Shape stride,
            Shape padding, Shape dilation, int groups, Strategy strategy) {
        Shape xs = x.getShape();
        Shape ks = kernels.getShape();
        long b = xs.get(0);
        long o = ks.get(1);
        if (b == 1) {
            return EngineConv.conv2d(x, kernels.reshape(ks.slice(1)),
                    bias == null ? null : bias.reshape(o), stride, padding, dilation, groups);
        }
        if (strategy == Strategy.EXPERT_SUM || !strategy.applies(b, groups, 0)) {
            throw new IllegalArgumentException(strategy + " cannot run batch " + b + " with "
                    + groups + " groups");
        }
        if (strategy == Strategy.IM2COL_BMM) {
            return im2colBmm(x, kernels, bias, stride, padding, dilation);
        }
        if (strategy == Strategy.PER_SAMPLE || strategy == Strategy.CHUNKED_GROUPED) {
            boolean perSample = strategy == Strategy.PER_SAMPLE;
            long[] at = perSample ? LongStream.range(1, b).toArray() : new long[] {(b + 1) / 2};
            // split, not slices: a slice's gradient is a zero-filled array of the whole batch,
            // so B slices cost B^2 samples' memory traffic in the backward; split's is one
            // concatenation
            NDList parts = x.split(at, 0);
            // the kernels' values split in memory order ([B, n], a view of mixed kernels), so
            // that the backward concatenates their gradients in that order with one plain copy;
            // split as [B, O, C, kh, kw] they were concatenated in plain order and copied again
            // into memory order for the mixture: forward and backward of eight 512 -> 512
            // kernels at 8 x 8 took 62.3 ms against 76.1 (AMD EPYC)
            NDList ws = KernelMemory.values(kernels, x).reshape(b, ks.size() / b).split(at, 0);
            NDList bs = bias == null ? null : bias.split(at, 0);
            NDList outs = new NDList(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                NDArray bi = bs == null ? null : bs.get(i);
                NDArray wi = ws.get(i);
                outs.add(perSample
                        ? EngineConv.conv2d(parts.get(i), KernelMemory.kernels(wi, ks.slice(1)),
                                bi == null ? null : bi.reshape(o), stride, padding, dilation,
                                groups)
                        : conv2d(parts.get(i), KernelMemory.kernels(wi,
                                new Shape(wi.getShape().get(0)).addAll(ks.slice(1))), bi,
                                stride, padding, dilation, groups, Strategy.GROUPED));
            }
            return NDArrays.concat(outs, 0);
        }
        ConvLayout layout = strategy == Strategy.GROUPED_NCHW ? ConvLayout.NCHW
                : EngineSetup.active().layout();
        NDArray folded = EngineConv.foldBatch(layout, x);
        NDArray w = kernels.reshape(new Shape(b * o).addAll(ks.slice(2)));
        NDArray y = EngineConv.conv2d(layout, folded, w, bias == null ? null : bias.reshape(b * o),
                stride, padding, dilation, (int) (b * groups));
        return EngineConv.unfoldBatch(layout, y, b);
    }

    private static NDArray im2colBmm(NDArray x, NDArray kernels, NDArray bias, Shape stride,
            Shape padding, Shape dilation) {
        Shape ks = kernels.getShape();
        long b = ks.get(0);
        long o = ks.get(1);
        // the columns in the kernels' memory order, so that the kernels enter as a view
        Unfold.Columns col = Unfold.of(x, ks.get(3), ks.get(4), stride, padding, dilation,
                KernelMemory.channelsInnermost());
        NDArray y = KernelMemory.values(kernels, x).batchMatMul(col.matrix());
        if (bias != null) {
            y = y.add(bias.reshape(b, o, 1));
        }
        // the product wrote NCHW: handed on as a convolution's output (resnet18-unet inference at
        // 256 x 256, batch 8, whose 512-channel layers run im2col-bmm, took 445 and 530 ms with
        // that against 454 and 538 without, AMD EPYC)
        return EngineConv.handedOn(y.reshape(b, o, col.height(), col.width()));
    }
}
