/**
 * The PyTorch engine as this project runs it: set up once per process ({@link
 * io.fadconv.engine.EngineSetup}), checked for correct convolutions on the machine at hand
 * ({@link io.fadconv.engine.EngineCheck}), configured by one registry of configurations ({@link
 * io.fadconv.engine.EngineConfig}), and the single op through which every convolution reaches the
 * engine ({@link io.fadconv.engine.EngineConv}). Depends on DJL and {@code util} only.
 */
package io.fadconv.engine;
