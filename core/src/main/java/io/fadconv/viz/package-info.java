/**
 * Figures as PNG: the paper's Figures 2, 4 and 5
 * ({@link io.fadconv.viz.AttentionMaps}, {@link io.fadconv.viz.ComparisonGrid},
 * {@link io.fadconv.viz.ExperimentPlots}), class map previews
 * ({@link io.fadconv.viz.ClassMapImages}) and CNA overlays ({@link io.fadconv.viz.Overlays}),
 * drawn with the shared fonts and legends of {@link io.fadconv.viz.Figures}. Reads results;
 * nothing below it imports it.
 */
package io.fadconv.viz;
