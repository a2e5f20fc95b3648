package io.fadconv.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.model.SegmentationModel;
import io.fadconv.nn.Annealing;

/**
 * One optimisation step, the same for training and for {@code fadconv bench train}: reseed the
 * engine for (seed, epoch, step), set the temperatures for (epoch, step), forward in training
 * mode, loss, backward, Adam update, zero gradients. Every array of the step lives in a
 * sub-manager that is closed before returning.
 */
public final class TrainStep {

    private final SegmentationModel model;
    private final Adam adam;
    private final Loss loss;
    private final long seed;
    private final NDManager manager;
    private final ParameterStore parameters;
    private final Engine engine = Djl.engine();

    /**
     * A step runner.
     *
     * @param model the model
     * @param adam the optimiser over its trainable parameters
     * @param loss the loss
     * @param seed the run seed
     * @param manager the manager of the model's parameters
     */
    public TrainStep(SegmentationModel model, Adam adam, Loss loss, long seed,
            NDManager manager) {
        this.model = model;
        this.adam = adam;
        this.loss = loss;
        this.seed = seed;
        this.manager = manager;
        this.parameters = new ParameterStore(manager, false);
    }

    /** Builds a batch's arrays in the step's manager. */
    @FunctionalInterface
    public interface Inputs {
        /**
         * The images and labels.
         *
         * @param m the step's manager
         * @return {@code [images float32 [B, C, H, W], labels int64 [B, H, W]]}
         */
        NDArray[] create(NDManager m);
    }

    /**
     * Runs one step.
     *
     * @param inputs the batch
     * @param epoch the epoch, from 0
     * @param step the step within the epoch, from 0
     * @param steps steps per epoch
     * @return the loss of the batch (before the update)
     * @throws NonFiniteLoss when the loss is NaN or infinite (nothing is updated then)
     */
    public float run(Inputs inputs, int epoch, int step, int steps) throws NonFiniteLoss {
        Djl.seed(seedOf(seed, epoch, step));
        Annealing.update(model, epoch, step, steps);
        float value;
        try (NDManager sub = manager.newSubManager()) {
            NDArray[] xy = inputs.create(sub);
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray l = loss.compute(model.logits(parameters, xy[0], true), xy[1]);
                value = l.getFloat();
                if (!Float.isFinite(value)) {
                    throw new NonFiniteLoss(value);
                }
                gc.backward(l);
            }
        }
        adam.step();
        model.markWeightsChanged();
        return value;
    }

    /**
     * The engine seed of one step: a hash of (seed, epoch, step), so dropout masks depend only
     * on the position in the run.
     *
     * @param seed the run seed
     * @param epoch the epoch, from 0
     * @param step the step, from 0
     * @return the seed
     */
    public static int seedOf(long seed, int epoch, int step) {
        return (int) mix(seed, epoch, step);
    }

    /**
     * A 64-bit mix of three numbers (SplitMix64's finaliser over a weighted sum).
     *
     * @param seed the seed
     * @param a a first number
     * @param b a second number
     * @return the hash
     */
    static long mix(long seed, long a, long b) {
        long h = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    /**
     * The loss was NaN or infinite: the step stopped before the backward pass, so no gradient
     * was computed and no parameter changed.
     */
    public static final class NonFiniteLoss extends Exception {
        private static final long serialVersionUID = 1L;
        private final float value;

        NonFiniteLoss(float value) {
            super("loss " + value);
            this.value = value;
        }

        /** @return the loss value */
        public float value() {
            return value;
        }
    }
}
