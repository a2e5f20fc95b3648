package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * PyTorch's parameter initialisers, so a layer built here starts from the same distribution as
 * the reference module. DJL's defaults (Xavier for weights, zeros for biases) differ, so every
 * block of this project sets one of these explicitly.
 */
public final class TorchInit {

    private TorchInit() {}

    /** Which fan {@link #kaimingNormal} divides by, as in {@code torch.nn.init}. */
    public enum FanMode {
        FAN_IN,
        FAN_OUT
    }

    /**
     * Returns {@code (fan_in, fan_out)} exactly as {@code torch.nn.init._calculate_fan_in_and_fan_out}
     * computes them: dimension 1 is the input maps, dimension 0 the output maps, and every further
     * dimension multiplies both (so a 5-D expert tensor {@code [K, O, I, kh, kw]} has fan_out =
     * K * I * kh * kw).
     *
     * @param shape a shape of at least two dimensions
     * @return the two fans
     */
    public static long[] fans(Shape shape) {
        if (shape.dimension() < 2) {
            throw new IllegalArgumentException(
                    "fan in/out needs a tensor of at least 2 dimensions, got " + shape);
        }
        long receptive = 1;
        for (int i = 2; i < shape.dimension(); i++) {
            receptive *= shape.get(i);
        }
        return new long[] {shape.get(1) * receptive, shape.get(0) * receptive};
    }

    /**
     * {@code kaiming_normal_(mode, nonlinearity='relu')}: N(0, 2 / fan).
     *
     * @param mode which fan to use
     * @return the initialiser
     */
    public static Initializer kaimingNormal(FanMode mode) {
        return (NDManager manager, Shape shape, DataType dataType) -> {
            long[] fans = fans(shape);
            long fan = mode == FanMode.FAN_IN ? fans[0] : fans[1];
            float std = (float) (Math.sqrt(2.0) / Math.sqrt(fan));
            return manager.randomNormal(0f, std, shape, dataType, manager.getDevice());
        };
    }

    /**
     * {@code kaiming_uniform_(mode, nonlinearity='relu')}: U(-b, b) with b = sqrt(6 / fan).
     *
     * @param mode which fan to use
     * @return the initialiser
     */
    public static Initializer kaimingUniform(FanMode mode) {
        return (NDManager manager, Shape shape, DataType dataType) -> {
            long[] fans = fans(shape);
            long fan = mode == FanMode.FAN_IN ? fans[0] : fans[1];
            float bound = (float) Math.sqrt(6.0 / fan);
            return uniform(manager, shape, dataType, bound);
        };
    }

    /**
     * The default weight initialiser of {@code nn.Linear} and {@code nn.ConvNd}:
     * {@code kaiming_uniform_(a=sqrt(5))}, i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
     *
     * @return the initialiser
     */
    public static Initializer defaultWeight() {
        return (NDManager manager, Shape shape, DataType dataType) ->
                uniform(manager, shape, dataType, (float) (1.0 / Math.sqrt(fans(shape)[0])));
    }

    /**
     * The default bias initialiser of {@code nn.Linear} and {@code nn.ConvNd}: U(-1/sqrt(fan_in),
     * 1/sqrt(fan_in)) where fan_in is the weight's.
     *
     * @param weightFanIn the fan_in of the weight the bias belongs to
     * @return the initialiser
     */
    public static Initializer defaultBias(long weightFanIn) {
        float bound = weightFanIn > 0 ? (float) (1.0 / Math.sqrt(weightFanIn)) : 0f;
        return (NDManager manager, Shape shape, DataType dataType) ->
                uniform(manager, shape, dataType, bound);
    }

    /**
     * {@code xavier_uniform_}: U(-b, b) with b = sqrt(6 / (fan_in + fan_out)).
     *
     * @return the initialiser
     */
    public static Initializer xavierUniform() {
        return (NDManager manager, Shape shape, DataType dataType) -> {
            long[] fans = fans(shape);
            return uniform(manager, shape, dataType, (float) Math.sqrt(6.0 / (fans[0] + fans[1])));
        };
    }

    /**
     * Applies an initialiser to each slice along dimension 0 separately, as the references do
     * with {@code for i in range(K): init(weight[i])}: the fans are those of one expert
     * {@code [O, C/g, kh, kw]}, not of the whole {@code [K, O, C/g, kh, kw]} tensor.
     *
     * @param perSlice the initialiser of one slice
     * @return the initialiser
     */
    public static Initializer perSlice(Initializer perSlice) {
        return (NDManager manager, Shape shape, DataType dataType) -> {
            Shape slice = shape.slice(1);
            ai.djl.ndarray.NDList parts = new ai.djl.ndarray.NDList();
            for (long i = 0; i < shape.get(0); i++) {
                parts.add(perSlice.initialize(manager, slice, dataType));
            }
            NDArray out = ai.djl.ndarray.NDArrays.stack(parts);
            parts.close();
            return out;
        };
    }

    /**
     * A constant.
     *
     * @param value the value
     * @return the initialiser
     */
    public static Initializer constant(float value) {
        return (NDManager manager, Shape shape, DataType dataType) ->
                manager.full(shape, value, dataType);
    }

    private static NDArray uniform(NDManager manager, Shape shape, DataType type, float bound) {
        return manager.randomUniform(-bound, bound, shape, type, manager.getDevice());
    }
}
