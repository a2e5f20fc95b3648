package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.fadconv.engine.EngineConv;
import java.util.IdentityHashMap;
import java.util.Map;

/** Small building blocks shared by the attention branches, initialised as PyTorch would. */
public final class Layers {

    private Layers() {}

    /**
     * {@code nn.Sequential(nn.Linear(in, hidden), nn.ReLU(), nn.Linear(hidden, out))}: the
     * two-layer perceptron every attention branch uses. Child 1 (the ReLU) has no parameters,
     * so the PyTorch keys are {@code 0.weight, 0.bias, 2.weight, 2.bias}.
     *
     * @param hidden the hidden width
     * @param out the output width
     * @return the block (initialise it with {@link #initialize})
     */
    public static SequentialBlock mlp(long hidden, long out) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(out).build());
    }

    /**
     * Initialises a block whose Linear and convolution children must start from PyTorch's
     * default distribution ({@code kaiming_uniform_(a=sqrt(5))} weights, U(+-1/sqrt(fan_in))
     * biases). The bias bound depends on the fan-in, known only from the input shape, so it is
     * set here rather than at construction.
     *
     * @param block the block (a Linear or a SequentialBlock of Linears and lambdas)
     * @param manager the manager for the parameters
     * @param dataType the data type
     * @param input the input shape of the block
     */
    public static void initialize(Block block, NDManager manager, DataType dataType, Shape input) {
        Shape shape = input;
        for (Block child : block instanceof SequentialBlock ? block.getChildren().values()
                : java.util.List.of(block)) {
            if (child instanceof Linear) {
                long fanIn = shape.get(shape.dimension() - 1);
                child.setInitializer(TorchInit.defaultWeight(), Parameter.Type.WEIGHT);
                child.setInitializer(TorchInit.defaultBias(fanIn), Parameter.Type.BIAS);
            }
            shape = child.getOutputShapes(new Shape[] {shape})[0];
        }
        block.initialize(manager, dataType, input);
    }

    /**
     * Runs a BatchNorm that also works at batch size 1 in training. One sample of a
     * {@code [B, C]} (or {@code [B, C, 1, 1]}) tensor has a single value per channel, so batch
     * statistics are undefined (PyTorch raises "Expected more than 1 value per channel when
     * training"); with {@code B == 1} the running statistics are used, as in inference, and are
     * not updated. With {@code B > 1} this is the ordinary training-mode BatchNorm.
     *
     * @param bn the BatchNorm block
     * @param ps the parameter store
     * @param x the input
     * @param training whether this is a training pass
     * @return the normalised input
     */
    public static NDArray batchNorm(Block bn, ParameterStore ps, NDArray x, boolean training) {
        boolean batchStatistics = training && x.getShape().get(0) > 1;
        return bn.forward(ps, new NDList(x), batchStatistics).singletonOrThrow();
    }

    /**
     * A parameter's array reshaped for one forward pass, owned by the batch's manager
     * ({@link EngineConv#ofPass}).
     *
     * @param parameter the parameter's array
     * @param batch an array of this pass (its manager receives the view)
     * @param shape the new shape
     * @return the view
     */
    public static NDArray reshapeFor(NDArray parameter, NDArray batch, Shape shape) {
        return EngineConv.ofPass(parameter.reshape(shape), batch);
    }

    /**
     * {@code x * factor} for a pass that will be differentiated. DJL 0.36's
     * {@code NDArray.mul(Number)} and {@code div(Number)} (also {@code minimum(Number)}, behind
     * {@code Activation.relu6}) wrap the number in an array over a Java direct buffer, use it and
     * close it at once; PyTorch's autograd keeps that array for the backward pass, and once the
     * garbage collector has freed the buffer the gradients are computed from freed memory (wrong
     * or NaN now and then). Here the number lives in {@code x}'s manager, as long as the pass.
     *
     * @param x the array
     * @param factor the factor
     * @return the product, in {@code x}'s manager
     */
    public static NDArray scale(NDArray x, float factor) {
        return x.mul(x.getManager().create(factor));
    }

    /**
     * {@code x / divisor} for a pass that will be differentiated; see {@link #scale} for why
     * not {@code x.div(divisor)}.
     *
     * @param x the array
     * @param divisor the divisor
     * @return the quotient, in {@code x}'s manager
     */
    public static NDArray divide(NDArray x, float divisor) {
        return x.div(x.getManager().create(divisor));
    }

    /**
     * ReLU6, {@code min(max(x, 0), 6)}, as DJL's {@code Activation.relu6} computes it but with
     * the constant 6 alive for the backward pass (see {@link #scale}).
     *
     * @param x the array
     * @return the activation, in {@code x}'s manager
     */
    public static NDArray relu6(NDArray x) {
        return x.getNDArrayInternal().relu().minimum(x.getManager().create(6f));
    }

    /**
     * A {@code Linear} with PyTorch's names, as attention heads use it.
     *
     * @param units output width
     * @param bias whether it has a bias
     * @return the block
     */
    public static Linear linear(long units, boolean bias) {
        return Linear.builder().setUnits(units).optBias(bias).build();
    }

    /**
     * The number of trainable values of a block tree, each parameter counted once even when
     * several blocks share it (KernelWarehouse's cells): what PyTorch's
     * {@code sum(p.numel() for p in model.parameters())} reports. BatchNorm running statistics
     * are not trainable and not counted.
     *
     * @param block an initialised block
     * @return the count
     */
    public static long trainableParameters(Block block) {
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        long n = 0;
        for (var pair : block.getParameters()) {
            Parameter p = pair.getValue();
            if (p.requiresGradient() && seen.put(p, Boolean.TRUE) == null) {
                n += p.getArray().size();
            }
        }
        return n;
    }

    /**
     * Validates that a value is at least {@code min}.
     *
     * @param owner the layer name for the message
     * @param field the field name
     * @param value the value
     * @param min the smallest allowed value
     */
    public static void requireAtLeast(String owner, String field, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    owner + ": " + field + " must be >= " + min + ", got " + value);
        }
    }

    /**
     * Validates a 2-D shape with every element at least {@code min}.
     *
     * @param owner the layer name
     * @param field the field name
     * @param shape the shape (may be null if {@code required} is false)
     * @param min the smallest allowed element
     */
    public static void requirePair(String owner, String field, Shape shape, long min) {
        if (shape == null || shape.dimension() != 2 || shape.get(0) < min || shape.get(1) < min) {
            throw new IllegalArgumentException(owner + ": " + field
                    + " must be a 2-D shape (h, w) with values >= " + min + ", got " + shape);
        }
    }
}
