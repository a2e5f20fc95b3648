package io.fadconv.nn;

import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies temperature schedules to every {@link Annealable} layer of a block tree. A training loop
 * calls {@link #update} before every step; code that runs a trained model calls {@link #finish}
 * once (a state_dict does not hold temperatures). A freshly built layer computes as the official
 * module does right after construction (ODConv temperature 1, KernelWarehouse assignment weight
 * 0, DYConv temperature 34); the first {@link #update} of a training sets the schedule's start
 * (ODConv 30, KernelWarehouse 1).
 */
public final class Annealing {

    private Annealing() {}

    /**
     * Every annealable layer of a tree, each once, in depth-first order.
     *
     * @param root the root block
     * @return the layers
     */
    public static List<Annealable> layers(Block root) {
        List<Annealable> out = new ArrayList<>();
        collect(root, out, new IdentityHashMap<>());
        return out;
    }

    private static void collect(Block b, List<Annealable> out, Map<Block, Boolean> seen) {
        if (seen.put(b, Boolean.TRUE) != null) {
            return;
        }
        if (b instanceof Annealable a) {
            out.add(a);
        }
        for (Block c : b.getChildren().values()) {
            collect(c, out, seen);
        }
    }

    /**
     * Sets every annealable layer to its own schedule's value for one training step; layers
     * without a schedule are left alone.
     *
     * @param root the model
     * @param epoch the epoch, from 0
     * @param iteration the step within the epoch, from 0
     * @param iterationsPerEpoch steps per epoch
     * @return how many layers were set
     */
    public static int update(Block root, int epoch, int iteration, int iterationsPerEpoch) {
        int n = 0;
        for (Annealable a : layers(root)) {
            if (a.schedule().isPresent()) {
                a.setTemperature(a.schedule().get().at(epoch, iteration, iterationsPerEpoch));
                n++;
            }
        }
        return n;
    }

    /**
     * Sets every annealable layer to one schedule's value for one training step.
     *
     * @param root the model
     * @param schedule the schedule
     * @param epoch the epoch, from 0
     * @param iteration the step within the epoch, from 0
     * @param iterationsPerEpoch steps per epoch
     * @return how many layers were set
     */
    public static int apply(Block root, TemperatureSchedule schedule, int epoch, int iteration,
            int iterationsPerEpoch) {
        float v = schedule.at(epoch, iteration, iterationsPerEpoch);
        List<Annealable> all = layers(root);
        all.forEach(a -> a.setTemperature(v));
        return all.size();
    }

    /**
     * Sets every annealable layer with a schedule to the schedule's final value: what a trained
     * model runs with (ODConv and DYConv temperature 1, KernelWarehouse assignment weight 0).
     *
     * @param root the model
     * @return how many layers were set
     */
    public static int finish(Block root) {
        int n = 0;
        for (Annealable a : layers(root)) {
            if (a.schedule().isPresent()) {
                a.setTemperature(a.schedule().get().finalValue());
                n++;
            }
        }
        return n;
    }
}
