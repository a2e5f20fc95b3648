/**
 * Decoders ({@link io.fadconv.model.decoder.Decoder}): the UNet decoder of
 * segmentation_models_pytorch and DeepLabV3+ (paper or smp variant) with ASPP and separable
 * convolutions; PyTorch keys under {@code decoder.}.
 */
package io.fadconv.model.decoder;
