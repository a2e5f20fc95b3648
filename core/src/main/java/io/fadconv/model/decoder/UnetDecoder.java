package io.fadconv.model.decoder;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.model.ConvFactory;
import io.fadconv.model.Resize;
import io.fadconv.model.Tracer;
import io.fadconv.nn.TorchStateDict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * smp's {@code UnetDecoder} (no centre block, no attention): five {@link UnetDecoderBlock}s
 * {@code blocks.0..4}. Block i takes the previous output (the deepest feature first), resizes it
 * to the next feature's size, concatenates that feature (the input image is not concatenated:
 * the last block has no skip) and applies two conv-BN-ReLU with {@code decoderChannels[i]}
 * outputs. smp's default channels are {@code (256, 128, 64, 32, 16)}.
 */
public final class UnetDecoder extends Decoder {

    /** segmentation_models_pytorch's default decoder channels. */
    public static final int[] SMP_CHANNELS = {256, 128, 64, 32, 16};

    private static final byte VERSION = 1;

    private final int[] decoderChannels;
    private final Resize.Mode mode;
    private final List<UnetDecoderBlock> blocks = new ArrayList<>();

    /**
     * Builds the decoder.
     *
     * @param f the model's convolution factory
     * @param encoderChannels the encoder's six feature channels, input first
     * @param decoderChannels five output channel counts, deepest block first
     * @param mode the upsampling interpolation (smp: nearest)
     */
    public UnetDecoder(ConvFactory f, int[] encoderChannels, int[] decoderChannels,
            Resize.Mode mode) {
        super(VERSION);
        if (decoderChannels.length != 5) {
            throw new IllegalArgumentException("the UNet decoder needs 5 channel counts, got "
                    + Arrays.toString(decoderChannels));
        }
        this.decoderChannels = decoderChannels.clone();
        this.mode = mode;
        int in = encoderChannels[5];
        for (int i = 0; i < 5; i++) {
            int skip = i < 4 ? encoderChannels[4 - i] : 0;
            f.scope("decoder.blocks." + i);
            blocks.add(addChildBlock("blocks." + i, new UnetDecoderBlock(f,
                    "decoder.blocks." + i, in, skip, decoderChannels[i], mode)));
            in = decoderChannels[i];
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList features, boolean training, PairList<String, Object> params) {
        NDList y = new NDList(features.get(5));
        for (int i = 0; i < 5; i++) {
            y = blocks.get(i).forward(ps, new NDList(y.singletonOrThrow(), features.get(4 - i)),
                    training);
        }
        return y;
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] features) {
        Shape y = features[5];
        for (int i = 0; i < 5; i++) {
            y = t.child("blocks." + i, blocks.get(i), y, features[4 - i])[0];
        }
        return new Shape[] {y};
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        for (int i = 0; i < 5; i++) {
            dict.child(prefix + "blocks." + i + ".", blocks.get(i));
        }
    }

    @Override
    public int outChannels() {
        return decoderChannels[4];
    }

    @Override
    public int outputReduction() {
        return 1;
    }

    @Override
    public String describe() {
        return "UNet decoder " + Arrays.toString(decoderChannels) + ", " + mode.key();
    }
}
