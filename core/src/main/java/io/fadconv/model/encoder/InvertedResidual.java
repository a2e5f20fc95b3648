package io.fadconv.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.model.ConvBnAct;
import io.fadconv.model.ConvFactory;
import io.fadconv.model.ConvRole;
import io.fadconv.model.TracedBlock;
import io.fadconv.model.TracedOp;
import io.fadconv.model.Tracer;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.TorchInit;
import io.fadconv.nn.TorchModule;
import io.fadconv.nn.TorchStateDict;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's MobileNetV2 {@code InvertedResidual}: a 1x1 expansion by t (absent when t = 1),
 * a 3x3 depthwise convolution with the stride, a linear 1x1 projection; a residual connection
 * when the stride is 1 and the width does not change. Keys {@code conv.0.0, conv.0.1, conv.1.0,
 * conv.1.1, conv.2, conv.3} (t != 1) or {@code conv.0.0, conv.0.1, conv.1, conv.2} (t = 1).
 *
 * <p>Scopes (KernelWarehouse warehouses) as the official {@code KW_MobileNetV2} with its 4x
 * config's {@code sharing_range ["layer"]}: the three kinds of convolution of a stage keep
 * separate warehouses, {@code <stage>.expand} (official {@code pwconv0}), {@code <stage>.depthwise}
 * ({@code dwconv0}) and {@code <stage>.project} ({@code pwconv1}).
 */
public final class InvertedResidual extends TracedBlock implements TorchModule {

    private static final byte VERSION = 1;

    private final List<ConvBnAct> units = new ArrayList<>();
    private final boolean residual;

    /**
     * A block.
     *
     * @param f the model's convolution factory
     * @param key the block's key ({@code encoder.features.2})
     * @param scope the block's stage scope ({@code encoder.stage1})
     * @param in input channels
     * @param out output channels
     * @param stride 1 or 2
     * @param expansion the expansion factor t
     */
    public InvertedResidual(ConvFactory f, String key, String scope, int in, int out, int stride,
            int expansion) {
        super(VERSION);
        var init = TorchInit.kaimingNormal(TorchInit.FanMode.FAN_OUT);
        int hidden = Math.round(in * (float) expansion);
        residual = stride == 1 && in == out;
        int i = 0;
        if (expansion != 1) {
            units.add(ConvBnAct.sequential(f.conv(key + ".conv.0.0", scope + ".expand",
                    ConvRole.POINTWISE, ConvGeometry.pointwise(in, hidden), init),
                    ConvBnAct.Act.RELU6));
            i++;
        }
        units.add(ConvBnAct.sequential(f.conv(key + ".conv." + i + ".0", scope + ".depthwise",
                ConvRole.DEPTHWISE,
                ConvGeometry.same(hidden, hidden, 3, stride).depthwise(), init),
                ConvBnAct.Act.RELU6));
        units.add(new ConvBnAct(f.conv(key + ".conv." + (i + 1), projectScope(scope),
                ConvRole.POINTWISE, ConvGeometry.pointwise(hidden, out), init),
                ConvBnAct.Act.NONE, String.valueOf(i + 1), String.valueOf(i + 2)));
        for (int u = 0; u < units.size(); u++) {
            addChildBlock("unit" + u, units.get(u));
        }
    }

    /**
     * The scope of a stage's projections (and of the last 1x1 convolution, {@code features.18}).
     *
     * @param stage the stage scope
     * @return {@code <stage>.project}
     */
    static String projectScope(String stage) {
        return stage + ".project";
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList y = inputs;
        for (ConvBnAct u : units) {
            y = u.forward(ps, y, training);
        }
        NDArray out = y.singletonOrThrow();
        return new NDList(residual ? out.add(inputs.singletonOrThrow()) : out);
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] inputs) {
        Shape y = inputs[0];
        for (int u = 0; u < units.size(); u++) {
            // The last unit's keys (conv.N, conv.N+1) sit directly under conv.
            y = t.single(u < units.size() - 1 ? "conv." + u : "conv", units.get(u), y);
        }
        return new Shape[] {residual ? t.op(TracedOp.add(y, inputs[0])) : y};
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        for (int u = 0; u < units.size() - 1; u++) {
            dict.child(prefix + "conv." + u + ".", units.get(u));
        }
        units.get(units.size() - 1).torchState(prefix + "conv.", dict);
    }
}
