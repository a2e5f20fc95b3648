package io.fadconv.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.fadconv.model.SegmentationModel;
import io.fadconv.util.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to continue a run exactly where it stopped, in one file written atomically
 * ({@code checkpoint.ckpt}): where the run is (epoch, steps done in it, the running loss sum),
 * the config, the metrics so far, every model parameter including BatchNorm running statistics,
 * and the optimiser state. No random generator state is stored because none is carried over:
 * the data order of an epoch is a function of the seed and the epoch, and the engine is reseeded
 * from (seed, epoch, step) before every step (see {@link TrainLoop}).
 *
 * @param epoch the epoch in progress, from 0 (after a finished epoch: the next one)
 * @param step steps of that epoch already taken
 * @param lossSum the sum of the losses of those steps
 * @param numerics threads, engine configuration and convolution strategies when saved (results
 *     are bit-identical only with the same; a resumed run takes the same strategies)
 * @param log the metrics of the finished epochs
 */
public record Checkpoint(int epoch, int step, double lossSum, Numerics numerics, MetricsLog log) {

    /** Checkpoints before engine configurations and strategy tuning: threads only. */
    private static final String MAGIC_V1 = "fadconv-checkpoint/1";
    /** Checkpoints before MKL's branch was recorded. */
    private static final String MAGIC_V2 = "fadconv-checkpoint/2";
    private static final String MAGIC = "fadconv-checkpoint/3";

    /**
     * Writes a checkpoint (temporary file, fsync, rename).
     *
     * @param file the target
     * @param model the model (every distinct parameter is saved)
     * @param optimizer the optimiser
     * @throws IOException on failure; the previous checkpoint is then unchanged
     */
    public void save(Path file, Block model, Adam optimizer) throws IOException {
        List<TrainableParameters.Named> params = TrainableParameters.all(model);
        AtomicFiles.write(file, out -> {
            DataOutputStream d = new DataOutputStream(out);
            d.writeUTF(MAGIC);
            writeText(d, log.config().toJsonString());
            d.writeInt(epoch);
            d.writeInt(step);
            d.writeDouble(lossSum);
            d.writeInt(numerics.threads());
            d.writeUTF(numerics.engine());
            d.writeInt(numerics.mklBranch());
            writeText(d, numerics.strategiesJson());
            writeText(d, log.toJsonString());
            d.writeInt(params.size());
            for (TrainableParameters.Named p : params) {
                d.writeUTF(p.name());
                Adam.writeArray(d, p.parameter().getArray());
            }
            optimizer.save(d);
            d.flush();
        });
    }

    /**
     * Reads the position and log of a checkpoint, not its tensors.
     *
     * @param file the file
     * @return the checkpoint
     * @throws IOException on read failure
     */
    public static Checkpoint peek(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            return readHeader(in, file);
        }
    }

    /**
     * Reads a checkpoint into a model and optimiser built from the same config: parameter values
     * are copied into the existing arrays (which keep their gradient flags and sharing).
     *
     * @param file the file
     * @param model the model
     * @param optimizer the optimiser over its trainable parameters
     * @return the checkpoint's position and log
     * @throws IOException on read failure
     * @throws IllegalArgumentException when the file is damaged or for another network
     */
    public static Checkpoint restore(Path file, Block model, Adam optimizer) throws IOException {
        try (DataInputStream in = open(file)) {
            Checkpoint c = readHeader(in, file);
            List<TrainableParameters.Named> params = TrainableParameters.all(model);
            int n = in.readInt();
            if (n != params.size()) {
                throw new IllegalArgumentException(file + ": holds " + n + " parameters, the "
                        + "model has " + params.size() + "; was it made for another network?");
            }
            for (TrainableParameters.Named p : params) {
                String name = in.readUTF();
                if (!name.equals(p.name())) {
                    throw new IllegalArgumentException(file + ": parameter '" + name
                            + "' where the model has '" + p.name() + "'");
                }
                Adam.readArrayInto(in, p.parameter().getArray(), name);
            }
            if (model instanceof SegmentationModel s) {
                s.markWeightsChanged();
            }
            optimizer.load(in);
            return c;
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + ": truncated checkpoint", e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no checkpoint");
        }
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    private static Checkpoint readHeader(DataInputStream in, Path file) throws IOException {
        String magic;
        try {
            magic = in.readUTF();
        } catch (IOException e) {
            magic = "";
        }
        if (!MAGIC.equals(magic) && !MAGIC_V2.equals(magic) && !MAGIC_V1.equals(magic)) {
            throw new IllegalArgumentException(file + ": not a checkpoint of fadconv train");
        }
        readText(in); // the config, also inside the log
        int epoch = in.readInt();
        int step = in.readInt();
        double lossSum = in.readDouble();
        int threads = in.readInt();
        Numerics numerics;
        if (MAGIC_V1.equals(magic)) {
            numerics = new Numerics(threads, "default", Numerics.UNKNOWN, java.util.Map.of());
        } else {
            String engine = in.readUTF();
            int branch = MAGIC.equals(magic) ? in.readInt() : Numerics.UNKNOWN;
            numerics = new Numerics(threads, engine, branch,
                    Numerics.parseStrategies(readText(in)));
        }
        MetricsLog log = MetricsLog.parse(readText(in), file.toString());
        return new Checkpoint(epoch, step, lossSum, numerics, log);
    }

    private static void writeText(DataOutputStream d, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.writeInt(b.length);
        d.write(b);
    }

    private static String readText(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 64 << 20) {
            throw new IllegalArgumentException("damaged checkpoint (text of " + n + " bytes)");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Whether every parameter is finite: a checkpoint is only written from a good state.
     *
     * @param model the model
     * @return true when no parameter holds NaN or infinity
     */
    public static boolean finite(Block model) {
        for (TrainableParameters.Named p : TrainableParameters.all(model)) {
            NDArray a = p.parameter().getArray();
            try (NDManager sub = a.getManager().newSubManager()) {
                a.tempAttach(sub);
                if (!Float.isFinite(a.sum().getFloat())) {
                    return false;
                }
            }
        }
        return true;
    }
}
