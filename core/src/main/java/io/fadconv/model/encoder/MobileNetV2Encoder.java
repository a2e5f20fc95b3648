package io.fadconv.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.model.ConvBnAct;
import io.fadconv.model.ConvFactory;
import io.fadconv.model.ConvRole;
import io.fadconv.model.Tracer;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.TorchInit;
import io.fadconv.nn.TorchStateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's MobileNetV2 {@code features} (width 1.0): {@code features.0} a 3x3 stride-2
 * convolution to 32 channels, {@code features.1..17} inverted residuals by the standard table
 * (t, c, n, s) = (1,16,1,1) (6,24,2,2) (6,32,3,2) (6,64,4,2) (6,96,3,1) (6,160,3,2) (6,320,1,1),
 * {@code features.18} a 1x1 convolution to 1280 channels; ReLU6 throughout. Features are taken
 * after {@code features.1, 3, 6, 13, 18} as smp does: channels {@code [in, 16, 24, 32, 96, 1280]}.
 *
 * <p>Convolution scopes, which are the KernelWarehouse warehouses, follow the official
 * {@code KW_MobileNetV2} ({@code OSVAI/KernelWarehouse models/kw_mobilenetv2.py}) with the
 * sharing of its 4x config ({@code configs/mobilenetv2_100/kw4x_mobilenetv2_100.json},
 * {@code sharing_range ["layer"]}): the rows of the table belong to KW stages 1, 2, 3, 4, 5, 6, 6
 * ({@code kw_stage_setting}); the first block of a row whose stage differs from the previous row's
 * goes, whole, to the previous stage (the hand-over); within a stage, expansions, depthwise
 * convolutions and projections keep three warehouses ({@link InvertedResidual}); the stem is
 * {@code encoder.stage0} and the last 1x1 ({@code features.18}) joins stage 6's projections.
 * (The official 1x config also merges a stage's two pointwise warehouses; not offered here.)
 */
public final class MobileNetV2Encoder extends Encoder {

    /** The inverted residual table: expansion t, channels c, repeats n, first stride s. */
    static final int[][] TABLE = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2},
        {6, 320, 1, 1}
    };
    /** The {@code features} indexes after which smp takes a feature map. */
    static final int[] TAPS = {1, 3, 6, 13, 18};
    /** The KernelWarehouse stage of each row of {@link #TABLE} (official kw_stage_setting). */
    static final int[] KW_STAGES = {1, 2, 3, 4, 5, 6, 6};

    private static final byte VERSION = 1;
    private static final int LAST = 1280;

    private final List<Block> features = new ArrayList<>();
    private final int[] channels;

    /**
     * Builds the encoder.
     *
     * @param f the model's convolution factory
     * @param inChannels input channels
     */
    public MobileNetV2Encoder(ConvFactory f, int inChannels) {
        super(VERSION);
        var init = TorchInit.kaimingNormal(TorchInit.FanMode.FAN_OUT);
        f.scope(stageScope(0));
        features.add(ConvBnAct.sequential(f.conv("encoder.features.0.0", ConvRole.STEM,
                ConvGeometry.same(inChannels, 32, 3, 2), init),
                ConvBnAct.Act.RELU6));
        int in = 32;
        for (int r = 0; r < TABLE.length; r++) {
            int[] row = TABLE[r];
            boolean handover = r > 0 && KW_STAGES[r] != KW_STAGES[r - 1];
            for (int i = 0; i < row[2]; i++) {
                int stage = i == 0 && handover ? KW_STAGES[r] - 1 : KW_STAGES[r];
                features.add(new InvertedResidual(f, "encoder.features." + features.size(),
                        stageScope(stage), in, row[1], i == 0 ? row[3] : 1, row[0]));
                in = row[1];
            }
        }
        String last = stageScope(KW_STAGES[KW_STAGES.length - 1]);
        features.add(ConvBnAct.sequential(f.conv("encoder.features.18.0",
                InvertedResidual.projectScope(last), ConvRole.POINTWISE,
                ConvGeometry.pointwise(in, LAST), init), ConvBnAct.Act.RELU6));
        for (int i = 0; i < features.size(); i++) {
            addChildBlock("features." + i, features.get(i));
        }
        channels = new int[] {inChannels, 16, 24, 32, 96, LAST};
    }

    /**
     * The scope of a KernelWarehouse stage (its convolutions add {@code .expand},
     * {@code .depthwise}, {@code .project}).
     *
     * @param stage 0 (the stem) to 6
     * @return {@code encoder.stage<stage>}
     */
    public static String stageScope(int stage) {
        return "encoder.stage" + stage;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList out = new NDList(x);
        NDList y = inputs;
        int tap = 0;
        for (int i = 0; i < features.size(); i++) {
            y = features.get(i).forward(ps, y, training);
            if (tap < TAPS.length && i == TAPS[tap]) {
                out.add(y.singletonOrThrow());
                tap++;
            }
        }
        return out;
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] inputs) {
        Shape[] out = new Shape[FEATURES];
        out[0] = inputs[0];
        Shape y = inputs[0];
        int tap = 0;
        for (int i = 0; i < features.size(); i++) {
            y = t.single("features." + i, features.get(i), y);
            if (tap < TAPS.length && i == TAPS[tap]) {
                out[++tap] = y;
            }
        }
        return out;
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        for (int i = 0; i < features.size(); i++) {
            dict.child(prefix + "features." + i + ".", features.get(i));
        }
    }

    @Override
    public int[] outChannels() {
        return channels.clone();
    }

    @Override
    public int outputStride() {
        return 32;
    }

    @Override
    public long imagenetClassifierParams() {
        return LAST * 1000L + 1000L;
    }

    @Override
    public String describe() {
        return "MobileNetV2";
    }
}
