package io.fadconv.model.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.fadconv.model.ConvBnAct;
import io.fadconv.model.ConvFactory;
import io.fadconv.model.ConvRole;
import io.fadconv.model.Resize;
import io.fadconv.model.TracedBlock;
import io.fadconv.model.TracedOp;
import io.fadconv.model.Tracer;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.TorchInit;
import io.fadconv.nn.TorchModule;
import io.fadconv.nn.TorchStateDict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Atrous Spatial Pyramid Pooling as smp's {@code ASPP}: {@code convs.0} a 1x1 branch,
 * {@code convs.1..3} 3x3 branches with the atrous rates (plain, or separable as smp's default),
 * {@code convs.4} image pooling (global average, 1x1 conv {@code convs.4.1}, BN {@code convs.4.2},
 * bilinear back to the map size), each with BN and ReLU; then {@code project}: concatenation, 1x1
 * conv to {@code out} channels, BN, ReLU, dropout. Every convolution has role
 * {@link ConvRole#ASPP}.
 */
public final class Aspp extends TracedBlock implements TorchModule {

    private static final byte VERSION = 1;

    private final List<ConvBnAct> branches = new ArrayList<>();
    private final ConvBnAct pooling;
    private final ConvBnAct project;
    private final float dropout;

    /**
     * Builds the module.
     *
     * @param f the model's convolution factory
     * @param key its key ({@code decoder.aspp.0})
     * @param in input channels
     * @param out channels of every branch and of the output
     * @param rates three atrous rates
     * @param separable whether the 3x3 branches are depthwise-separable
     * @param dropout the dropout rate after the projection
     */
    public Aspp(ConvFactory f, String key, int in, int out, int[] rates, boolean separable,
            float dropout) {
        super(VERSION);
        if (rates.length != 3) {
            throw new IllegalArgumentException(
                    "ASPP needs 3 atrous rates, got " + Arrays.toString(rates));
        }
        var init = TorchInit.kaimingUniform(TorchInit.FanMode.FAN_IN);
        branches.add(ConvBnAct.sequential(f.conv(key + ".convs.0.0", ConvRole.ASPP,
                ConvGeometry.pointwise(in, out), init), ConvBnAct.Act.RELU));
        for (int i = 0; i < 3; i++) {
            String k = key + ".convs." + (i + 1) + ".0";
            Block conv = separable
                    ? new SeparableConv(f, k, ConvRole.ASPP, in, out, 3, rates[i], init)
                    : f.conv(k, ConvRole.ASPP,
                            ConvGeometry.same(in, out, 3, 1).withDilation(rates[i]), init);
            branches.add(ConvBnAct.sequential(conv, ConvBnAct.Act.RELU));
        }
        pooling = new ConvBnAct(f.conv(key + ".convs.4.1", ConvRole.ASPP,
                ConvGeometry.pointwise(in, out), init), ConvBnAct.Act.RELU,
                "1", "2");
        project = ConvBnAct.sequential(f.conv(key + ".project.0", ConvRole.ASPP,
                ConvGeometry.pointwise(5 * out, out), init), ConvBnAct.Act.RELU);
        for (int i = 0; i < branches.size(); i++) {
            addChildBlock("convs." + i, branches.get(i));
        }
        addChildBlock("convs.4", pooling);
        addChildBlock("project", project);
        this.dropout = dropout;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        NDList parts = new NDList();
        for (ConvBnAct b : branches) {
            parts.add(b.forward(ps, inputs, training).singletonOrThrow());
        }
        // mean over H and W: one reduction over a flattened axis (multi-axis mean fails here)
        NDArray pooled = x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).mean(new int[] {2})
                .reshape(s.get(0), s.get(1), 1, 1);
        NDArray p = pooling.forward(ps, new NDList(pooled), training).singletonOrThrow();
        parts.add(Resize.resize(p, s.get(2), s.get(3), Resize.Mode.BILINEAR, false));
        NDArray y = project.forward(ps, new NDList(NDArrays.concat(parts, 1)), training)
                .singletonOrThrow();
        return dropout > 0 ? Dropout.dropout(y, dropout, training) : new NDList(y);
    }

    @Override
    public Shape[] trace(Tracer t, Shape[] inputs) {
        Shape x = inputs[0];
        Shape[] parts = new Shape[5];
        for (int i = 0; i < branches.size(); i++) {
            parts[i] = t.single("convs." + i, branches.get(i), x);
        }
        Shape pooled = t.op(TracedOp.globalAvgPool(x));
        Shape p = t.single("convs.4", pooling, pooled);
        parts[4] = t.op(TracedOp.interpolate(p, x.get(2), x.get(3), Resize.Mode.BILINEAR));
        Shape cat = t.op(TracedOp.concatChannels(parts));
        return new Shape[] {t.single("project", project, cat)};
    }

    @Override
    public void torchState(String prefix, TorchStateDict dict) {
        for (int i = 0; i < branches.size(); i++) {
            dict.child(prefix + "convs." + i + ".", branches.get(i));
        }
        dict.child(prefix + "convs.4.", pooling);
        dict.child(prefix + "project.", project);
    }
}
