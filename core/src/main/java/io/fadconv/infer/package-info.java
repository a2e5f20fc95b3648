/**
 * Inference on whole scenes and change detection:
 * {@link io.fadconv.infer.SlidingWindowPredictor} over a {@link io.fadconv.infer.WindowGrid}
 * (centre-cropped cores, mirrored borders) into class maps
 * ({@link io.fadconv.infer.SceneMapper}), and cropland non-agriculturalization between two class
 * maps ({@link io.fadconv.infer.CnaDetector}: change codes, minimum mapping unit, areas,
 * evaluation against a truth). Options are plain records
 * ({@link io.fadconv.infer.PredictOptions}, {@link io.fadconv.infer.CnaOptions}); progress goes
 * to a {@link io.fadconv.infer.ProgressListener}, never to the console.
 */
package io.fadconv.infer;
