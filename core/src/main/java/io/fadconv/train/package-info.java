/**
 * Training as the paper does it: {@link io.fadconv.train.TrainConfig} (a record bound
 * to JSON; presets and options as overlays), {@link io.fadconv.train.TrainLoop} (epochs,
 * validation, metrics, atomic checkpoints, resume) of {@link io.fadconv.train.TrainStep}s with
 * {@link io.fadconv.train.Adam}, and the paper's tables ({@link io.fadconv.train.Experiment},
 * {@link io.fadconv.train.ExperimentTable}, {@link io.fadconv.train.Ablations}).
 */
package io.fadconv.train;
