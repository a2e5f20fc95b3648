package io.fadconv.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.fadconv.engine.KernelMemory;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
    /** Parameters of at most {@link #PIECE} elements, packed in runs updated together. */
    private final List<Packed> packs = new ArrayList<>();
    /** The others, each updated alone (in pieces). */
    private final List<Integer> alone = new ArrayList<>();
    private long steps;

    /**
     * Small parameters updated as one: their moments are views of two flat arrays, and each
     * step runs the formula once over their gradients concatenated. Each operation through DJL
     * costs some 10-40 microseconds whatever its size, and the formula takes a dozen: per
     * parameter, that was most of a step's Adam time for networks of many small tensors.
     *
     * @param members indices into the parameters, in order
     * @param ends the end offset of each member in the flat arrays
     * @param m the first moments, flat
     * @param v the second moments, flat
     */
    private record Packed(int[] members, long[] ends, NDArray m, NDArray v) {}

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
        List<Integer> run = new ArrayList<>();
        long runSize = 0;
        for (int i = 0; i < this.params.size(); i++) {
            NDArray a = array(i);
            firstMoments.add(null);
            secondMoments.add(null);
            if (a.size() > PIECE) {
                firstMoments.set(i, manager.zeros(a.getShape(), a.getDataType()));
                secondMoments.set(i, manager.zeros(a.getShape(), a.getDataType()));
                alone.add(i);
                continue;
            }
            if (!run.isEmpty() && (runSize + a.size() > PIECE
                    || a.getDataType() != array(run.get(0)).getDataType())) {
                pack(run, runSize);
                run.clear();
                runSize = 0;
            }
            run.add(i);
            runSize += a.size();
        }
        if (!run.isEmpty()) {
            pack(run, runSize);
        }
    }

    private NDArray array(int i) {
        return params.get(i).parameter().getArray();
    }

    /** Flat moments for a run of parameters, and each member's moments as views of them. */
    private void pack(List<Integer> run, long size) {
        DataType type = array(run.get(0)).getDataType();
        NDArray m = manager.zeros(new Shape(size), type);
        NDArray v = manager.zeros(new Shape(size), type);
        int[] members = run.stream().mapToInt(Integer::intValue).toArray();
        long[] ends = new long[members.length];
        long start = 0;
        for (int j = 0; j < members.length; j++) {
            NDArray a = array(members[j]);
            ends[j] = start + a.size();
            NDIndex range = new NDIndex("{}:{}", start, ends[j]);
            firstMoments.set(members[j], m.get(range).reshape(a.getShape()));
            secondMoments.set(members[j], v.get(range).reshape(a.getShape()));
            start = ends[j];
        }
        packs.add(new Packed(members, ends, m, v));
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
        for (Packed pack : packs) {
            stepPacked(pack);
        }
        for (int i : alone) {
            stepAlone(i);
        }
    }

    /** One run of the formula over a pack's gradients concatenated; each member takes its part. */
    private void stepPacked(Packed pack) {
        int n = pack.members().length;
        try (NDManager sub = manager.newSubManager()) {
            NDList grads = new NDList(n);
            NDList values = new NDList(n);
            for (int i : pack.members()) {
                NDArray p = array(i);
                p.tempAttach(sub);
                NDArray g = p.getGradient(); // a handle of this step's own: freed with sub
                g.attach(sub);
                grads.add(g.reshape(-1));
                if (settings.weightDecay() != 0) {
                    values.add(p.reshape(-1));
                }
            }
            pack.m().tempAttach(sub);
            pack.v().tempAttach(sub);
            NDArray g = NDArrays.concat(grads);
            NDArray p = values.isEmpty() ? null : NDArrays.concat(values);
            NDArray d = decrement(p, g, pack.m(), pack.v());
            NDList parts = n == 1 ? new NDList(d) : d.split(Arrays.copyOf(pack.ends(), n - 1));
            for (int j = 0; j < n; j++) {
                NDArray param = array(pack.members()[j]);
                param.subi(parts.get(j).reshape(param.getShape()));
                zeroGradient(param);
            }
        }
    }

    /** The formula on one parameter, in pieces of whole rows when it is large. */
    private void stepAlone(int i) {
        NDArray p = array(i);
        NDArray m = firstMoments.get(i);
        NDArray v = secondMoments.get(i);
        try (NDManager sub = manager.newSubManager()) {
            // Results attach to their first operand's manager: move every operand into the
            // step's manager for the duration, so temporaries are freed with it.
            p.tempAttach(sub);
            m.tempAttach(sub);
            v.tempAttach(sub);
            NDArray g = p.getGradient(); // a handle of this step's own: freed with sub
            g.attach(sub);
            long rows = p.getShape().dimension() == 0 ? 1 : p.getShape().get(0);
            long perPiece = Math.max(1, PIECE / Math.max(1, p.size() / Math.max(1, rows)));
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
                    pp.subi(decrement(settings.weightDecay() != 0 ? pp : null, gp, mp, vp));
                }
            }
        }
        zeroGradient(p);
    }

    /**
     * The formula for the current step: updates the moments in place and returns what to
     * subtract from the parameters. Element by element, so the same values whether it runs over
     * one parameter, a piece of one or several concatenated. Its temporaries join the operands'
     * manager, closed by the caller.
     *
     * @param p the parameters (read for the weight decay), or null when there is none
     * @param grad their gradients
     * @param m the first moments, updated
     * @param v the second moments, updated
     * @return the decrement
     */
    private NDArray decrement(NDArray p, NDArray grad, NDArray m, NDArray v) {
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double stepSize = settings.lr() / (1 - Math.pow(b1, steps));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, steps));
        NDArray g = grad;
        if (settings.weightDecay() != 0) {
            g = g.add(p.mul(settings.weightDecay()));
        }
        m.addi(g.sub(m).muli(1 - b1));
        v.muli(b2).addi(g.mul(g).muli(1 - b2));
        NDArray denom = v.sqrt().divi(bc2Sqrt).addi(settings.eps());
        return m.div(denom).muli(stepSize);
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
     * type, in place, through its strides ({@link KernelMemory#assign}): the array keeps its
     * identity, gradient flag and memory order, so arranged experts stay arranged and a packed
     * parameter's moments (views of one flat array) keep sharing it.
     *
     * @param in the stream
     * @param target the array to overwrite
     * @param name the parameter name for messages
     * @throws IOException on read failure
     */
    static void readArrayInto(DataInputStream in, NDArray target, String name)
            throws IOException {
        try (NDManager tmp = target.getManager().newSubManager()) {
            KernelMemory.assign(target, readLike(in, target, name, tmp));
        }
    }

    /** An array written by {@link #writeArray}, checked to have the target's shape and type. */
    private static NDArray readLike(DataInputStream in, NDArray target, String name,
            NDManager into) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        NDArray a = into.decode(bytes);
        if (!a.getShape().equals(target.getShape())
                || a.getDataType() != target.getDataType()) {
            throw new IllegalArgumentException(name + ": stored " + a.getDataType() + " "
                    + a.getShape() + ", expected " + target.getDataType() + " "
                    + target.getShape());
        }
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
