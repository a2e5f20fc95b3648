package io.fadconv.model.encoder;

import io.fadconv.model.TracedBlock;
import io.fadconv.nn.TorchModule;

/**
 * A feature extractor as segmentation_models_pytorch defines one: {@code forward} returns six
 * feature maps, the input itself and then one map per reduction (strides 2, 4, 8, 16, 32, or
 * fewer downsamplings when the last stages are dilated). Decoders see only the integers
 * {@link #outChannels()} and {@link #outputStride()}. PyTorch keys follow torchvision, under the
 * prefix {@code encoder.}.
 */
public abstract class Encoder extends TracedBlock implements TorchModule {

    /** Number of feature maps {@code forward} returns (input included). */
    public static final int FEATURES = 6;

    protected Encoder(byte version) {
        super(version);
    }

    /**
     * The channels of the six feature maps, input first (smp's {@code out_channels}).
     *
     * @return six channel counts
     */
    public abstract int[] outChannels();

    /**
     * The total reduction of the last feature map: 32, or 16/8 when the last stages are dilated.
     *
     * @return the output stride
     */
    public abstract int outputStride();

    /**
     * The parameters of the ImageNet classifier of the torchvision model this encoder comes from
     * (dropped here, as smp drops it). The paper's parameter counts include it, so cost tables
     * show it beside our count.
     *
     * @return {@code features * 1000 + 1000}
     */
    public abstract long imagenetClassifierParams();

    /**
     * A one-line description for summaries.
     *
     * @return e.g. {@code ResNet18 (width 0.25, output stride 32)}
     */
    public abstract String describe();
}
