package io.fadconv.train;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a block tree, each once: a parameter shared by several layers
 * (KernelWarehouse's cells) is listed under the first name it is reached by, so an optimiser
 * updates it once per step, as PyTorch's {@code model.parameters()} does.
 */
public final class TrainableParameters {

    /**
     * A parameter and a stable name (DJL's path name, the same for every build of one spec).
     *
     * @param name the name
     * @param parameter the parameter
     */
    public record Named(String name, Parameter parameter) {}

    private TrainableParameters() {}

    /**
     * Every distinct parameter, trainable or not (BatchNorm running statistics included): what a
     * checkpoint must hold.
     *
     * @param block an initialised block
     * @return the parameters, in DJL's traversal order
     */
    public static List<Named> all(Block block) {
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Named> out = new ArrayList<>();
        for (var pair : block.getParameters()) {
            if (seen.put(pair.getValue(), Boolean.TRUE) == null) {
                out.add(new Named(pair.getKey(), pair.getValue()));
            }
        }
        return out;
    }

    /**
     * The distinct parameters that take gradients: what the optimiser updates.
     *
     * @param block an initialised block
     * @return the parameters, in DJL's traversal order
     */
    public static List<Named> trainable(Block block) {
        return all(block).stream().filter(n -> n.parameter().requiresGradient()).toList();
    }
}
