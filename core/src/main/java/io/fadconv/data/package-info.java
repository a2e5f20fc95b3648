/**
 * Datasets on disk and the tensors made from them. A dataset layout is a
 * {@link io.fadconv.data.DatasetKind} (registry: gid, hicna, folder, synthetic,
 * synthetic-hicna), which scans a folder ({@link io.fadconv.data.Gid},
 * {@link io.fadconv.data.HiCna}, {@link io.fadconv.data.TileFolder}) into a
 * {@link io.fadconv.data.DatasetSource} of {@link io.fadconv.data.Scene}s whose labels a
 * {@link io.fadconv.data.LabelCodec} decodes into the classes of a
 * {@link io.fadconv.data.ClassScheme}; {@link io.fadconv.data.Tiling} cuts them into
 * {@link io.fadconv.data.Sample}s, {@link io.fadconv.data.Splits} and
 * {@link io.fadconv.data.Normalization} (both saved as JSON) prepare training, and
 * {@link io.fadconv.data.SegmentationDataset} streams batches to DJL. The synthetic landscape
 * generator ({@code fadconv synth}) lives here too. Rasters themselves are read and written by
 * {@code data.raster}.
 */
package io.fadconv.data;
