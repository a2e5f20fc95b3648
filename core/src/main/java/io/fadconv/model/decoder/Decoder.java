package io.fadconv.model.decoder;

import io.fadconv.model.TracedBlock;
import io.fadconv.nn.TorchModule;

/**
 * A decoder: takes the encoder's six feature maps (input first) and returns one map for the
 * segmentation head. It knows the encoder only through its channel counts and output stride.
 * PyTorch keys follow segmentation_models_pytorch, under the prefix {@code decoder.}.
 */
public abstract class Decoder extends TracedBlock implements TorchModule {

    protected Decoder(byte version) {
        super(version);
    }

    /** @return the channels of the decoder's output */
    public abstract int outChannels();

    /**
     * How much smaller than the input the decoder's output is (1 for UNet, 4 for DeepLabV3+,
     * whose head upsamples).
     *
     * @return the reduction
     */
    public abstract int outputReduction();

    /**
     * A one-line description for summaries.
     *
     * @return e.g. {@code UNet decoder (256, 128, 64, 32, 16), nearest}
     */
    public abstract String describe();
}
