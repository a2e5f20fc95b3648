package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.initializer.NormalInitializer;
import io.fadconv.Djl;
import io.fadconv.testing.Tensors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Kernels kept with their input channels innermost: the same values, a different memory order,
 * checked by writing through views. The mixtures' values and gradients with kernels in either
 * order are checked against double precision in DynamicConv2dTest, and the layers' experts'
 * order in ExpertMemoryTest.
 */
class KernelMemoryTest {

    /**
     * Values written into an arranged array land through its strides: it stays the same array,
     * arranged, with its gradient flag (NDArray.set(Buffer) gives it plain memory: checked, the
     * second assertion then fails).
     */
    @Test
    void assigningKeepsTheArraysMemoryOrderIdentityAndGradientFlag() {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(2, 3, 4, 3, 2);
            NDArray target = KernelMemory.arrange(m.zeros(shape), true);
            target.setRequiresGradient(true);
            float[] values = Tensors.uniform(new Random(5), (int) shape.size());
            JniUtils.setGradMode(true); // as inside a training step: still written in place
            try {
                KernelMemory.assign(target, m.create(values, shape));
            } finally {
                JniUtils.setGradMode(false);
            }
            assertThat(JniUtils.isGradMode()).isFalse();
            assertThat(target.toFloatArray()).containsExactly(values);
            assertThat(target.hasGradient()).isTrue();
            assertThat(Tensors.channelsInnermost(target)).isTrue();
        }
    }

    /**
     * A parameter whose initialiser arranges, loaded by DJL's Parameter.load (plain memory, no
     * gradient flag), is arranged again with its values and flag; another parameter is left as
     * it is.
     */
    @Test
    void rearrangingPutsBackTheOrderAParameterLoadLoses() throws Exception {
        Djl.engine();
        boolean inner = EngineSetup.active().layout(true) == ConvLayout.CHANNELS_LAST;
        Shape shape = new Shape(2, 3, 4, 3, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter arranged = Parameter.builder().setName("experts")
                    .setType(Parameter.Type.WEIGHT).optShape(shape).build();
            arranged.setInitializer(KernelMemory.arranged(new NormalInitializer()));
            Parameter plain = Parameter.builder().setName("weight")
                    .setType(Parameter.Type.WEIGHT).optShape(shape).build();
            plain.setInitializer(new NormalInitializer());
            for (Parameter p : new Parameter[] {arranged, plain}) {
                p.initialize(m, DataType.FLOAT32);
                float[] saved = p.getArray().toFloatArray();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                p.save(new DataOutputStream(bytes));
                p.load(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                assertThat(Tensors.channelsInnermost(p.getArray().duplicate())).isFalse();
                NDArray loaded = p.getArray();
                KernelMemory.rearrange(p);
                NDArray now = p.getArray();
                assertThat(now.toFloatArray()).containsExactly(saved);
                if (p == plain || !inner) {
                    assertThat(now).isSameAs(loaded);
                } else {
                    assertThat(now.hasGradient()).isTrue();
                    assertThat(now.getName()).isEqualTo("experts");
                }
                assertThat(Tensors.channelsInnermost(now)).isEqualTo(p == arranged && inner);
            }
        }
    }

    @Test
    void arrangingKeepsEveryValueAndPutsTheChannelsInnermost() {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray plain = m.create(Tensors.uniform(new Random(3), 2 * 3 * 4 * 3 * 2),
                    new Shape(2, 3, 4, 3, 2));
            NDArray arranged = KernelMemory.arrange(plain, true);
            assertThat(arranged.getShape()).isEqualTo(plain.getShape());
            assertThat(arranged.toFloatArray()).containsExactly(plain.toFloatArray());
            assertThat(KernelMemory.arrange(plain, false)).isSameAs(plain);
            // arranging what is arranged copies nothing: the result shares its memory
            NDArray again = KernelMemory.arrange(arranged, true);
            again.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0, 0"), 42f);
            assertThat(arranged.getFloat(0, 0, 0, 0, 0)).isEqualTo(42f);
            assertThat(Tensors.channelsInnermost(arranged)).isTrue();
            assertThat(Tensors.channelsInnermost(plain)).isFalse();
        }
    }

    @Test
    void valuesRunInMemoryOrderAndKernelsUndoThem() {
        Djl.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(2, 3, 4, 3, 2);
            NDArray plain = m.create(Tensors.uniform(new Random(5), (int) shape.size()), shape);
            NDArray values = KernelMemory.values(plain, plain);
            assertThat(values.getShape()).isEqualTo(new Shape(2, 3, 4 * 3 * 2));
            float[] v = values.toFloatArray();
            boolean inner = KernelMemory.channelsInnermost();
            // element (kernel 1, 2; channel 3, tap 2, 1) sits where the order puts it
            int at = 1 * 3 * 24 + 2 * 24 + (inner ? (2 * 2 + 1) * 4 + 3 : 3 * 6 + 2 * 2 + 1);
            assertThat(v[at]).isEqualTo(plain.getFloat(1, 2, 3, 2, 1));
            assertThat(KernelMemory.kernels(values, shape).toFloatArray())
                    .containsExactly(plain.toFloatArray());
        }
    }

    @Test
    void anNchwConvolutionStaysNchwWithAnArrangedKernel() {
        Djl.engine();
        // PyTorch convolves channels-last when the kernel is, so EngineConv hands an NCHW
        // convolution a plain kernel; only the output's layout is checked (the unguarded
        // configuration computes some convolutions wrong on an AMD EPYC Zen 5)
        EngineConfig before = EngineSetup.switchTo(EngineConfig.CHANNELS_LAST);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(Tensors.uniform(new Random(7), 2 * 16 * 6 * 6),
                    new Shape(2, 16, 6, 6));
            NDArray w = KernelMemory.arrange(m.create(Tensors.uniform(new Random(8),
                    16 * 16 * 3 * 3), new Shape(16, 16, 3, 3)), true);
            Shape one = new Shape(1, 1);
            NDArray y = EngineConv.conv2d(ConvLayout.NCHW, x, w, null, one, one, one, 1);
            assertThat(Tensors.nhwcInMemory(y)).isFalse();
            NDArray z = EngineConv.conv2d(ConvLayout.CHANNELS_LAST, x, w, null, one, one, one, 1);
            assertThat(Tensors.nhwcInMemory(z)).isTrue();
        } finally {
            EngineSetup.switchTo(before);
        }
    }
}
