package io.fadconv.engine;

/** The memory layout a convolution's input is given to the engine in. */
public enum ConvLayout {
    /** Contiguous NCHW, as tensors are created. */
    NCHW,
    /** NHWC strides behind the same NCHW shape (PyTorch's {@code channels_last}). */
    CHANNELS_LAST
}
