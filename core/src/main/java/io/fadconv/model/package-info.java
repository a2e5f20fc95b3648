/**
 * The segmentation networks: {@link io.fadconv.model.Models} (registry of
 * {@link io.fadconv.model.ModelType}s) builds a {@link io.fadconv.model.SegmentationModel} from a
 * {@link io.fadconv.model.ModelSpec}: encoder ({@code model.encoder}), decoder
 * ({@code model.decoder}) and head, with every replaceable convolution made by
 * {@link io.fadconv.model.ConvFactory} under a {@link io.fadconv.model.ConvRole} policy. Composite
 * blocks extend {@link io.fadconv.model.TracedBlock} and describe their data flow once.
 * {@link io.fadconv.model.FoldedModel} runs inference with BatchNorms folded.
 */
package io.fadconv.model;
