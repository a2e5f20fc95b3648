package io.fadconv.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.fadconv.Djl;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Gradients must not depend on when the garbage collector runs: DJL 0.36's {@code mul}, {@code div},
 * {@code maximum}, {@code minimum} and {@code pow} with a Java number close the array wrapping the
 * number right after the forward op while PyTorch's autograd still holds it, so a backward pass
 * after a collection reads freed memory. This helper provokes exactly that.
 */
public final class GradientStability {

    private GradientStability() {}

    /**
     * Checks an operation without parameters.
     *
     * @param manager the parent manager
     * @param name what is checked, for messages
     * @param f the operation
     */
    public static void check(NDManager manager, String name, UnaryOperator<NDArray> f) {
        check(manager, name, f, List.of());
    }

    /**
     * Runs {@code sum(f(x) * r)} backward calmly, then five times with the garbage collector
     * run and freed memory refilled with NaN between forward and backward; the gradients of x
     * and of {@code params} must not change.
     *
     * @param manager the parent manager
     * @param name what is checked, for messages
     * @param f the operation
     * @param params parameters whose gradients are compared too
     */
    public static void check(NDManager manager, String name, UnaryOperator<NDArray> f,
            List<Parameter> params) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x0 = m.randomUniform(-1.5f, 1.5f, new Shape(2, 8, 6, 6));
            NDArray r = m.randomNormal(x0.getShape());
            List<float[]> expected = gradients(m, f, x0, r, params, false);
            for (int rep = 0; rep < 5; rep++) {
                List<float[]> got = gradients(m, f, x0, r, params, true);
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(got.get(i)).as(name + " gradient " + i + ", repetition " + rep)
                            .containsExactly(expected.get(i));
                }
            }
        }
    }

    private static List<float[]> gradients(NDManager m, UnaryOperator<NDArray> f, NDArray x0,
            NDArray r, List<Parameter> params, boolean collect) {
        try (NDManager pass = m.newSubManager()) {
            NDArray x = x0.duplicate();
            x.attach(pass);
            x.setRequiresGradient(true);
            for (Parameter p : params) {
                NDArray g = p.getArray().getGradient();
                g.subi(g);
            }
            try (GradientCollector gc = Djl.engine().newGradientCollector()) {
                NDArray loss = f.apply(x).mul(r).sum();
                if (collect) {
                    collectAndRefill();
                }
                gc.backward(loss);
            }
            List<float[]> out = new ArrayList<>();
            out.add(x.getGradient().toFloatArray());
            for (Parameter p : params) {
                out.add(p.getArray().getGradient().toFloatArray());
            }
            return out;
        }
    }

    /** Frees unreachable direct buffers and fills what malloc hands out next with NaN. */
    private static void collectAndRefill() {
        System.gc();
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4);
            b.putFloat(0, Float.NaN);
            junk.add(b);
        }
        assertThat(junk).hasSize(256);
    }

}
