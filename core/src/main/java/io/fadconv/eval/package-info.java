/**
 * Segmentation metrics as the paper defines them (Eqs. 12-18):
 * {@link io.fadconv.eval.ConfusionMatrix} over a whole split,
 * {@link io.fadconv.eval.SegmentationMetrics} and {@link io.fadconv.eval.ClassMetrics} from it,
 * {@link io.fadconv.eval.Evaluator} (a model over a dataset, tiles read ahead by
 * {@link io.fadconv.eval.Batches}), {@link io.fadconv.eval.MetricsFormat} (the paper's row,
 * JSON).
 */
package io.fadconv.eval;
