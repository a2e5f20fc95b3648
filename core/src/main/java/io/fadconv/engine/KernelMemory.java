package io.fadconv.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.initializer.Initializer;

/**
 * The memory order convolution kernels are made and kept in. A channels-last convolution takes
 * its kernel {@code [O, C, kh, kw]} as PyTorch's {@code weight.contiguous(channels_last)}: a
 * kernel in plain order is copied into {@code [O, kh, kw, C]} order on every call, in the forward
 * and again in the backward. Per-sample kernels pay that B times per layer: forward and backward
 * of one 512 -> 512 3 x 3 kernel at batch 1, 16 x 16, took 21.0-21.4 ms plain against 17.0-17.4
 * ms arranged (AMD EPYC).
 *
 * <p>So under a channels-last configuration kernels are kept with their input channels innermost
 * (channels-last strides behind the same shape), and mixtures are computed in that order, so
 * that mixed kernels come out arranged. Only strides differ: every value is the same whatever
 * memory an array arrives in, and an array that arrives in plain order is copied once where it
 * is used. Values loaded into parameters keep their order: {@link #assign} writes through an
 * array's strides, and {@link #rearrange} puts back the order DJL's {@code Parameter.load}
 * loses. Under an NCHW configuration kernels stay in plain order.
 */
public final class KernelMemory {

    private KernelMemory() {}

    /**
     * Whether kernels are kept with their input channels innermost.
     *
     * @return true under a channels-last configuration
     */
    public static boolean channelsInnermost() {
        return channelsInnermost(EngineSetup.active());
    }

    /**
     * Whether kernels are kept with their input channels innermost under a configuration, in
     * the current mode.
     *
     * @param config the configuration
     * @return true when it convolves channels-last now
     */
    static boolean channelsInnermost(EngineConfig config) {
        return config.layout() == ConvLayout.CHANNELS_LAST;
    }

    /**
     * The same values in the order the engine's convolutions take without a copy now (in the
     * layout of the current mode, training or inference).
     *
     * @param kernels {@code [..., C, kh, kw]} (arrays of fewer than four axes are returned as they
     *     are)
     * @return kernels itself when they are already so, else an arranged copy in its manager
     */
    public static NDArray arrange(NDArray kernels) {
        return arrange(kernels, channelsInnermost());
    }

    /**
     * The same values with their input channels innermost in memory, or as they are.
     *
     * @param kernels {@code [..., C, kh, kw]} (arrays of fewer than four axes are returned as they
     *     are)
     * @param channelsInnermost whether to arrange them (false returns them as they are)
     * @return kernels itself when they are already so, else an arranged copy in its manager
     */
    public static NDArray arrange(NDArray kernels, boolean channelsInnermost) {
        if (!channelsInnermost || kernels.getShape().dimension() < 4) {
            return kernels;
        }
        NDArray inner = kernels.transpose(lastThree(kernels.getShape().dimension(), INNER));
        NDArray flat = inner.flatten(); // a view when the memory is arranged already, else a copy
        NDArray shaped = flat.reshape(inner.getShape());
        NDArray out = outerOrder(shaped);
        inner.close();
        flat.close();
        shaped.close();
        return out;
    }

    /**
     * An initialiser whose arrays come out arranged for training (parameters are trained in
     * that layout; {@link #arrange} them again for another): the same values.
     *
     * @param inner the initialiser of the values
     * @return the arranging initialiser
     */
    public static Initializer arranged(Initializer inner) {
        return new Arranging(inner);
    }

    /** The initialiser {@link #arranged} makes; {@link #rearrange} knows its parameters by it. */
    private record Arranging(Initializer inner) implements Initializer {
        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            NDArray plain = inner.initialize(manager, shape, dataType);
            NDArray out = arrange(plain, trainingChannelsInnermost());
            if (out != plain) {
                plain.close(); // a handle: the arranged copy or view keeps what it needs
            }
            return out;
        }
    }

    private static boolean trainingChannelsInnermost() {
        return EngineSetup.active().layout(true) == ConvLayout.CHANNELS_LAST;
    }

    /**
     * Puts a parameter made by an {@link #arranged} initialiser back in that memory order after
     * DJL's {@code Parameter.load}, which swaps in a freshly decoded array in plain order: the
     * values stay, and the experts are not copied again on every use. Other parameters, and
     * parameters without an array, are left as they are. The parameter gets a new array (with
     * its gradient flag), so call this before anything holds on to the old one.
     *
     * @param p the parameter
     */
    public static void rearrange(Parameter p) {
        if (!(p.getInitializer() instanceof Arranging) || !p.isInitialized()) {
            return;
        }
        NDArray loaded = p.getArray();
        NDArray out = arrange(loaded, trainingChannelsInnermost());
        if (out == loaded) {
            return;
        }
        p.close(); // the loaded handle; out holds a copy, or shares the memory it views
        p.setShape(null); // DJL takes a new array only into a parameter without a shape
        p.setArray(out);
        if (p.requiresGradient()) {
            out.setRequiresGradient(true);
        }
    }

    /**
     * Writes values into an existing array through its own strides, in place: the array keeps
     * its identity, gradient flag and memory order (an arranged parameter stays arranged, a
     * view keeps sharing memory with its base). {@code NDArray.set(Buffer)} would instead give
     * it new memory in plain order.
     *
     * @param target the array to overwrite
     * @param values the values, of its shape
     */
    public static void assign(NDArray target, NDArray values) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // a leaf that requires a gradient is written outside autograd
        try {
            target.set(new NDIndex("..."), values);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Each kernel's values in memory order: a view of arranged kernels (and of plain ones under
     * an NCHW configuration), a copy otherwise. The view belongs to the pass
     * ({@link EngineConv#ofPass}), not to the kernels' manager.
     *
     * @param kernels {@code [..., C, kh, kw]} (arrays of fewer than four axes, such as expert
     *     biases, come back as a view of the same shape)
     * @param pass an array of this pass
     * @return {@code [..., C kh kw]}
     */
    public static NDArray values(NDArray kernels, NDArray pass) {
        Shape s = kernels.getShape();
        int r = s.dimension();
        NDArray inner = EngineConv.ofPass(innerOrder(kernels), pass);
        return r < 4 ? inner
                : inner.reshape(s.slice(0, r - 3).add(s.get(r - 3) * s.get(r - 2) * s.get(r - 1)));
    }

    /**
     * The inverse of {@link #values}: values in memory order, back as kernels of a shape.
     *
     * @param values {@code [..., n]} whose last axes hold each kernel's values in memory order
     *     (any leading strides)
     * @param shape the kernels' shape {@code [..., C, kh, kw]}
     * @return the kernels, a view
     */
    public static NDArray kernels(NDArray values, Shape shape) {
        if (!arranges(shape)) {
            return values.reshape(shape);
        }
        return outerOrder(values.reshape(innerShape(shape)));
    }

    private static boolean arranges(Shape shape) {
        return shape.dimension() >= 4 && channelsInnermost();
    }

    /** The last three axes {@code (C, kh, kw)} in {@code (kh, kw, C)} order. */
    private static final int[] INNER = {1, 2, 0};

    /** The inverse of {@link #INNER}: {@code (kh, kw, C)} back in {@code (C, kh, kw)} order. */
    private static final int[] OUTER = {2, 0, 1};

    /** {@code [..., C, kh, kw]} viewed as {@code [..., kh, kw, C]} when kernels are arranged. */
    private static NDArray innerOrder(NDArray kernels) {
        if (!arranges(kernels.getShape())) {
            return kernels.reshape(kernels.getShape()); // a view, as the transpose would be
        }
        return kernels.transpose(lastThree(kernels.getShape().dimension(), INNER));
    }

    /** The inverse of {@link #innerOrder}: {@code [..., kh, kw, C]} as {@code [..., C, kh, kw]}. */
    private static NDArray outerOrder(NDArray inner) {
        return inner.transpose(lastThree(inner.getShape().dimension(), OUTER));
    }

    /** The axes of a rank-r array with its last three permuted (leading axes in place). */
    private static int[] lastThree(int r, int[] order) {
        int[] axes = new int[r];
        for (int i = 0; i < r; i++) {
            axes[i] = i < r - 3 ? i : r - 3 + order[i - (r - 3)];
        }
        return axes;
    }

    private static Shape innerShape(Shape shape) {
        int r = shape.dimension();
        return shape.slice(0, r - 3).add(shape.get(r - 2), shape.get(r - 1), shape.get(r - 3));
    }
}
