package io.fadconv.nn;

import java.util.Optional;

/**
 * A layer with a value that a training schedule moves over time: the softmax temperature of
 * DYConv, ODConv and FADConv, or KernelWarehouse's weight of the initial one-hot assignment.
 * {@link Annealing} walks a model and updates every such layer.
 */
public interface Annealable {

    /**
     * Sets the value used by the next forward passes.
     *
     * @param temperature a softmax temperature ({@code > 0}), or for KernelWarehouse a weight in
     *     [0, 1]
     */
    void setTemperature(float temperature);

    /** @return the current value */
    float getTemperature();

    /**
     * The layer's own published schedule, used by {@link Annealing#update} and
     * {@link Annealing#finish}. Empty (the default) for layers whose method does not anneal, such
     * as FADConv: their value stays where it was set.
     *
     * @return the schedule, if any
     */
    default Optional<TemperatureSchedule> schedule() {
        return Optional.empty();
    }
}
