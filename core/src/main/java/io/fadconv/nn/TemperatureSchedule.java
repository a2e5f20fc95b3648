package io.fadconv.nn;

import java.util.Locale;

/**
 * How an annealed value of a dynamic convolution moves during training: the softmax temperature of
 * DYConv and ODConv, the weight of KernelWarehouse's initial one-hot assignment. The training loop
 * asks for the value before every step ({@link Annealing#update}); a schedule that changes once per
 * epoch simply ignores the iteration.
 *
 * <p>The published schedules are here as factories: {@link #dyConv} (34 down to 1 in steps of 3
 * per epoch), {@link #odConv} (30 down to 1 linearly over the first 10 epochs, per iteration) and
 * {@link #kernelWarehouse} (1 down to 0 linearly over the first 20 epochs, per iteration).
 */
public interface TemperatureSchedule {

    /**
     * The value for one training step.
     *
     * @param epoch the epoch, from 0
     * @param iteration the step within the epoch, from 0
     * @param iterationsPerEpoch steps per epoch, at least 1
     * @return the value to use for this step
     */
    float at(int epoch, int iteration, int iterationsPerEpoch);

    /** @return the value before training starts */
    float initial();

    /** @return the value once annealing is over, the one to use for inference */
    float finalValue();

    /**
     * A value that never changes.
     *
     * @param value the value
     * @return the schedule
     */
    static TemperatureSchedule constant(float value) {
        return new Constant(value);
    }

    /**
     * Lowers the value by {@code step} after every epoch until it reaches {@code end}:
     * {@code max(end, start - step * epoch)}.
     *
     * @param start the value in epoch 0
     * @param step the decrement per epoch, {@code > 0}
     * @param end the floor
     * @return the schedule
     */
    static TemperatureSchedule stepPerEpoch(float start, float step, float end) {
        return new StepPerEpoch(start, step, end);
    }

    /**
     * Moves the value linearly from {@code start} to {@code end} over the first {@code epochs}
     * epochs, updated every iteration, then holds {@code end}. Step {@code i} of epoch {@code e}
     * uses {@code end + (start - end) * max(0, (E n - (e n + i + 1)) / max(1, E n))}, with
     * {@code n} steps per epoch and {@code E} the annealing epochs: the official loops of ODConv
     * ({@code utils/misc.py get_temperature}) and KernelWarehouse ({@code engine.py
     * get_temperature}) both count the step about to run as done.
     *
     * @param start the value before training
     * @param end the value after annealing
     * @param epochs the annealing epochs, {@code >= 1}
     * @return the schedule
     */
    static TemperatureSchedule linear(float start, float end, int epochs) {
        return new Linear(start, end, epochs);
    }

    /**
     * DYConv's schedule (Chen et al. 2020; {@code kaijieshi7/Dynamic-convolution-Pytorch}):
     * temperature {@code start} (34 published) lowered by 3 after every epoch down to 1.
     *
     * @param start the initial temperature
     * @return the schedule
     */
    static TemperatureSchedule dyConv(float start) {
        return start <= 1f ? constant(start) : stepPerEpoch(start, 3f, 1f);
    }

    /**
     * ODConv's schedule ({@code OSVAI/ODConv main.py}: {@code --temp_init 30 --temp_epoch 10}):
     * from {@code start} linearly to 1 over {@code epochs} epochs, per iteration.
     *
     * @param start the initial temperature (30 published)
     * @param epochs the annealing epochs (10 published)
     * @return the schedule
     */
    static TemperatureSchedule odConv(float start, int epochs) {
        return start <= 1f ? constant(start) : linear(start, 1f, epochs);
    }

    /**
     * KernelWarehouse's schedule ({@code OSVAI/KernelWarehouse main.py}: {@code --temp_init_value
     * 1.0 --temp_epoch 20}, {@code temp_end 0}): the weight of the initial one-hot cell assignment
     * goes linearly from {@code start} to 0 over {@code epochs} epochs, per iteration.
     *
     * @param start the initial weight in [0, 1] (1 published)
     * @param epochs the annealing epochs (20 published)
     * @return the schedule
     */
    static TemperatureSchedule kernelWarehouse(float start, int epochs) {
        return start <= 0f ? constant(0f) : linear(start, 0f, epochs);
    }

    /** @see #constant */
    record Constant(float value) implements TemperatureSchedule {
        /** Validates. */
        public Constant {
            requireNonNegative("value", value);
        }

        @Override
        public float at(int epoch, int iteration, int iterationsPerEpoch) {
            checkStep(epoch, iteration, iterationsPerEpoch);
            return value;
        }

        @Override
        public float initial() {
            return value;
        }

        @Override
        public float finalValue() {
            return value;
        }

        @Override
        public String toString() {
            return "constant(" + value + ")";
        }
    }

    /** @see #stepPerEpoch */
    record StepPerEpoch(float start, float step, float end) implements TemperatureSchedule {
        /** Validates. */
        public StepPerEpoch {
            requireNonNegative("start", start);
            requireNonNegative("end", end);
            if (!(step > 0) || Float.isInfinite(step)) {
                throw new IllegalArgumentException(
                        "temperature schedule: step must be a positive number, got " + step);
            }
            if (end > start) {
                throw new IllegalArgumentException("temperature schedule: end (" + end
                        + ") must not exceed start (" + start + ")");
            }
        }

        @Override
        public float at(int epoch, int iteration, int iterationsPerEpoch) {
            checkStep(epoch, iteration, iterationsPerEpoch);
            return Math.max(end, start - step * epoch);
        }

        @Override
        public float initial() {
            return start;
        }

        @Override
        public float finalValue() {
            return end;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "step(%s -%s per epoch -> %s)", start, step, end);
        }
    }

    /** @see #linear */
    record Linear(float start, float end, int epochs) implements TemperatureSchedule {
        /** Validates. */
        public Linear {
            requireNonNegative("start", start);
            requireNonNegative("end", end);
            if (epochs < 1) {
                throw new IllegalArgumentException(
                        "temperature schedule: epochs must be >= 1, got " + epochs);
            }
        }

        @Override
        public float at(int epoch, int iteration, int iterationsPerEpoch) {
            checkStep(epoch, iteration, iterationsPerEpoch);
            double total = (double) iterationsPerEpoch * epochs;
            double current = (double) iterationsPerEpoch * epoch + iteration + 1;
            return (float) (end + (start - end) * Math.max(0, (total - current) / Math.max(1, total)));
        }

        @Override
        public float initial() {
            return start;
        }

        @Override
        public float finalValue() {
            return end;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "linear(%s -> %s over %d epochs)", start, end, epochs);
        }
    }

    private static void requireNonNegative(String field, float v) {
        if (!Float.isFinite(v) || v < 0) {
            throw new IllegalArgumentException(
                    "temperature schedule: " + field + " must be a finite number >= 0, got " + v);
        }
    }

    private static void checkStep(int epoch, int iteration, int perEpoch) {
        if (epoch < 0 || iteration < 0 || perEpoch < 1 || iteration >= perEpoch) {
            throw new IllegalArgumentException("temperature schedule: need epoch >= 0 and "
                    + "0 <= iteration < iterationsPerEpoch (>= 1), got epoch " + epoch
                    + ", iteration " + iteration + ", iterationsPerEpoch " + perEpoch);
        }
    }
}
