package io.fadconv.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam exactly as {@code torch.optim.Adam(params, lr, betas=(0.9, 0.999), eps=1e-8,
 * weight_decay=wd)} computes it on the CPU (its single-tensor path), with the state held here so
 * that a checkpoint can store and restore it exactly:
 * <pre>
 * t += 1
 * g = grad + wd * p                         (L2 penalty added to the gradient; not AdamW)
 * m = m + (1 - beta1) * (g - m)             (torch: exp_avg.lerp_(g, 1 - beta1))
 * v = beta2 * v + (1 - beta2) * g * g
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * The paper trains "with weight decay 1e-4" in PyTorch, whose {@code Adam(weight_decay=...)} is
 * this L2 form: the decay is scaled by Adam's per-coordinate step like any gradient, whereas
 * AdamW ({@code torch.optim.AdamW}) would decay the weights directly by {@code lr * wd * p}.
 *
 * <p>After each step the gradients are zeroed: PyTorch (and so DJL on it) accumulates gradients
 * across backward passes.
 */
public final class Adam implements AutoCloseable {

    /**
     * Hyper-parameters.
     *
     * @param lr the learning rate
     * @param beta1 the first-moment decay
     * @param beta2 the second-moment decay
     * @param eps added to the denominator
     * @param weightDecay the L2 coefficient
     */
    public record Settings(double lr, double beta1, double beta2, double eps,
            double weightDecay) {

        /** Validates. */
        public Settings {
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("Adam: lr must be finite and > 0, got " + lr);
            }
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam: betas must be in [0, 1), got " + beta1
                        + ", " + beta2);
            }
            if (!(eps > 0) || !(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
                throw new IllegalArgumentException("Adam: eps must be > 0 and weight decay "
                        + "finite and >= 0, got " + eps + ", " + weightDecay);
            }
        }

        /**
         * PyTorch's defaults (betas 0.9, 0.999, eps 1e-8) with a learning rate and weight decay.
         *
         * @param lr the learning rate
         * @param weightDecay the L2 coefficient
         * @return the settings
         */
        public static Settings torchDefaults(double lr, double weightDecay) {
            return new Settings(lr, 0.9, 0.999, 1e-8, weightDecay);
        }
    }

    private static final String MAGIC = "fadconv-adam/1";

    private final Settings settings;
    private final List<TrainableParameters.Named> params;
    private final NDManager manager;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private long steps;

    /**
     * An optimiser over parameters with zero moments.
     *
     * @param settings the hyper-parameters
     * @param params the parameters, each once (see {@link TrainableParameters#trainable})
     * @param parent the manager the state lives under (a sub-manager of it is used)
     */
    public Adam(Settings settings, List<TrainableParameters.Named> params, NDManager parent) {
        this.settings = settings;
        this.params = List.copyOf(params);
        this.manager = parent.newSubManager();
        for (TrainableParameters.Named p : this.params) {
            NDArray a = p.parameter().getArray();
            firstMoments.add(manager.zeros(a.getShape(), a.getDataType()));
            secondMoments.add(manager.zeros(a.getShape(), a.getDataType()));
        }
    }

    /** @return the hyper-parameters */
    public Settings settings() {
        return settings;
    }

    /** @return steps taken (torch's per-parameter {@code step}) */
    public long steps() {
        return steps;
    }

    /**
     * Elements of a parameter updated at a time, at most (whole rows of its first axis, at least
     * one). Every step of the formula is a pass over memory, and each makes a temporary the size
     * of what it updates; over a whole 38 MB expert tensor the passes and temporaries run from
     * main memory (and fault fresh pages), over 8 MB pieces they stay near the cores. The same
     * values either way, element by element. On an AMD EPYC, Adam over one 47-million-element
     * array took 879 ms whole and 115-127 ms in pieces of 1-4 million; resnet18-unet's FADConv
     * parameters (47.4 million) 309 ms per step whole (BENCHMARKS.md).
     */
    static final long PIECE = 1L << 21;

    /**
     * One update of every parameter from its gradient, then the gradients are zeroed.
     */
    public void step() {
        steps++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double stepSize = settings.lr() / (1 - Math.pow(b1, steps));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, steps));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i).parameter().getArray();
            NDArray m = firstMoments.get(i);
            NDArray v = secondMoments.get(i);
            try (NDManager sub = manager.newSubManager()) {
                // Results attach to their first operand's manager: move every operand into the
                // step's manager for the duration, so temporaries are freed with it.
                p.tempAttach(sub);
                m.tempAttach(sub);
                v.tempAttach(sub);
                NDArray g = p.getGradient();
                g.tempAttach(sub);
                long rows = p.getShape().dimension() == 0 ? 1 : p.getShape().get(0);
                long perPiece = Math.max(1, PIECE / Math.max(1, p.size() / Math.max(1, rows)));
                if (perPiece >= rows) {
                    update(p, g, m, v, b1, b2, stepSize, bc2Sqrt);
                } else {
                    for (long r = 0; r < rows; r += perPiece) {
                        try (NDManager piece = sub.newSubManager()) {
                            // views along the first axis: in-place updates reach the arrays
                            NDIndex rowsOf = new NDIndex("{}:{}", r, Math.min(rows, r + perPiece));
                            NDArray pp = p.get(rowsOf);
                            NDArray gp = g.get(rowsOf);
                            NDArray mp = m.get(rowsOf);
                            NDArray vp = v.get(rowsOf);
                            for (NDArray view : List.of(pp, gp, mp, vp)) {
                                view.attach(piece);
                            }
                            update(pp, gp, mp, vp, b1, b2, stepSize, bc2Sqrt);
                        }
                    }
                }
            }
            zeroGradient(p);
        }
    }

    /**
     * The formula on one parameter or a piece of one, in place; its temporaries join the
     * operands' manager, closed by the caller.
     */
    private void update(NDArray p, NDArray grad, NDArray m, NDArray v, double b1, double b2,
            double stepSize, double bc2Sqrt) {
        NDArray g = grad;
        if (settings.weightDecay() != 0) {
            g = g.add(p.mul(settings.weightDecay()));
        }
        m.addi(g.sub(m).muli(1 - b1));
        v.muli(b2).addi(g.mul(g).muli(1 - b2));
        NDArray denom = v.sqrt().divi(bc2Sqrt).addi(settings.eps());
        p.subi(m.div(denom).muli(stepSize));
    }

    private static void zeroGradient(NDArray p) {
        if (p instanceof PtNDArray pt && p.hasGradient()) {
            JniUtils.zeroGrad(pt);
        }
    }

    /**
     * Writes the state: step count and both moments of every parameter, by name.
     *
     * @param out the stream
     * @throws IOException on failure
     */
    public void save(DataOutputStream out) throws IOException {
        out.writeUTF(MAGIC);
        out.writeLong(steps);
        out.writeInt(params.size());
        for (int i = 0; i < params.size(); i++) {
            out.writeUTF(params.get(i).name());
            writeArray(out, firstMoments.get(i));
            writeArray(out, secondMoments.get(i));
        }
    }

    /**
     * Restores a state written by {@link #save} for the same parameters.
     *
     * @param in the stream
     * @throws IOException on read failure
     * @throws IllegalArgumentException when the state is for other parameters
     */
    public void load(DataInputStream in) throws IOException {
        if (!MAGIC.equals(in.readUTF())) {
            throw new IllegalArgumentException("not an optimizer state");
        }
        long s = in.readLong();
        int n = in.readInt();
        if (n != params.size()) {
            throw new IllegalArgumentException("optimizer state holds " + n + " parameters, the "
                    + "model has " + params.size());
        }
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            if (!name.equals(params.get(i).name())) {
                throw new IllegalArgumentException("optimizer state parameter " + i + " is '"
                        + name + "', the model's is '" + params.get(i).name() + "'");
            }
            readArrayInto(in, firstMoments.get(i), name);
            readArrayInto(in, secondMoments.get(i), name);
        }
        steps = s;
    }

    /**
     * Writes an array as DJL encodes it.
     *
     * @param out the stream
     * @param a the array
     * @throws IOException on failure
     */
    static void writeArray(DataOutputStream out, NDArray a) throws IOException {
        byte[] bytes = a.encode();
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * Reads an array written by {@link #writeArray} into an existing array of the same shape and
     * type, in place (the array keeps its identity, gradient flag and sharing).
     *
     * @param in the stream
     * @param target the array to overwrite
     * @param name the parameter name for messages
     * @throws IOException on read failure
     */
    static void readArrayInto(DataInputStream in, NDArray target, String name)
            throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        try (NDManager tmp = target.getManager().newSubManager()) {
            NDArray a = tmp.decode(bytes);
            if (!a.getShape().equals(target.getShape())
                    || a.getDataType() != target.getDataType()) {
                throw new IllegalArgumentException(name + ": stored " + a.getDataType() + " "
                        + a.getShape() + ", expected " + target.getDataType() + " "
                        + target.getShape());
            }
            target.set(a.toByteBuffer());
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
