/**
 * The convolution layers: FADConv ({@link io.fadconv.nn.FadConv} with
 * {@link io.fadconv.nn.FrequencyAttention}) and the rivals ({@link io.fadconv.nn.DyConv},
 * {@link io.fadconv.nn.OdConv}, {@link io.fadconv.nn.KernelWarehouse}), built from spec strings
 * by {@link io.fadconv.nn.Convs} (registry) at a {@link io.fadconv.nn.ConvGeometry};
 * {@link io.fadconv.nn.DynamicConv2d} convolves each sample with its own mixture (strategies
 * timed by {@link io.fadconv.nn.ConvTuner}); temperatures follow
 * {@link io.fadconv.nn.TemperatureSchedule}s through {@link io.fadconv.nn.Annealing}. Weights load
 * and save by PyTorch state_dict names ({@link io.fadconv.nn.TorchWeights} over
 * {@link io.fadconv.nn.TensorFiles}: .npz and .safetensors).
 */
package io.fadconv.nn;
