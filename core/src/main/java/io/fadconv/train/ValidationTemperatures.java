package io.fadconv.train;

import ai.djl.nn.Block;
import io.fadconv.nn.Annealable;
import io.fadconv.nn.Annealing;
import io.fadconv.nn.TemperatureSchedule;

/**
 * The temperatures a model is validated with during training, as the official training loops
 * leave them: validation after an epoch runs with the values the layers hold once the epoch's
 * training is over, not with the final ones ({@link Annealing#finish} is for inference with a
 * trained model).
 * <ul>
 *   <li>Per-iteration schedules (ODConv {@code main.py}, KernelWarehouse {@code engine.py}) set
 *       the value before each step and nothing after the last one: validation uses the last
 *       step's value, which the layers already hold.</li>
 *   <li>DYConv's loop ({@code kaijieshi7/Dynamic-convolution-Pytorch main.py}) calls
 *       {@code model.update_temperature()} (minus 3) at the end of every training epoch, before
 *       {@code val()}: a per-epoch schedule therefore validates with the next epoch's value.</li>
 * </ul>
 * FADConv has no schedule and is untouched.
 */
public final class ValidationTemperatures {

    private ValidationTemperatures() {}

    /**
     * Sets the temperatures for the validation after an epoch.
     *
     * @param model the model
     * @param epoch the epoch just trained, from 0
     * @param steps steps per epoch
     */
    public static void afterEpoch(Block model, int epoch, int steps) {
        for (Annealable a : Annealing.layers(model)) {
            if (a.schedule().isPresent()
                    && a.schedule().get() instanceof TemperatureSchedule.StepPerEpoch s) {
                a.setTemperature(s.at(epoch + 1, 0, steps));
            }
        }
    }
}
