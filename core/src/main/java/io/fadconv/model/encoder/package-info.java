/**
 * Encoders ({@link io.fadconv.model.encoder.Encoder}): torchvision's ResNet18/34
 * (width multiplier, dilation; {@link io.fadconv.model.encoder.BasicBlock}) and MobileNetV2
 * ({@link io.fadconv.model.encoder.InvertedResidual}), six feature maps each; PyTorch keys under
 * {@code encoder.}.
 */
package io.fadconv.model.encoder;
