/**
 * The runners of {@code fadconv bench}: layers, formulations, DCT forms, whole
 * networks, training steps, GeoTIFF decoders, matrix products; each times its variants
 * interleaved in one process ({@link io.fadconv.bench.Timing}) and reports ratios. Results are
 * recorded in BENCHMARKS.md.
 */
package io.fadconv.bench;
