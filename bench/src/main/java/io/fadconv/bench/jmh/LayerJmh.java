package io.fadconv.bench.jmh;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import io.fadconv.bench.Timing;
import io.fadconv.nn.ConvGeometry;
import io.fadconv.nn.ConvSpec;
import io.fadconv.nn.Convs;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: forward + backward of one 3 x 3 layer (batch 8) per convolution spec and stage shape.
 * Run with {@code ./fadconv bench jmh LayerJmh} (any JMH options may follow).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx8g"})
public class LayerJmh {

    /** Convolution spec. */
    @Param({"static", "fadconv", "dyconv"})
    public String conv;

    /** Stage as channels x size. */
    @Param({"64x128", "512x16"})
    public String stage;

    private NDManager manager;
    private Block block;
    private NDArray x;
    private ParameterStore ps;

    /** Builds the layer and its input. */
    @Setup(Level.Trial)
    public void setUp() {
        Djl.seed(0);
        String[] p = stage.split("x");
        int c = Integer.parseInt(p[0]);
        int s = Integer.parseInt(p[1]);
        manager = Djl.engine().newBaseManager();
        Shape in = new Shape(8, c, s, s);
        block = Convs.create(ConvSpec.parse(conv), ConvGeometry.same(c, c, 3, 1));
        block.initialize(manager, DataType.FLOAT32, in);
        x = manager.randomNormal(in);
        x.setRequiresGradient(true);
        ps = new ParameterStore(manager, false);
    }

    /** Frees the native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /**
     * One forward + backward pass.
     *
     * @return the elapsed milliseconds (returned so JMH keeps the work)
     */
    @Benchmark
    public double forwardBackward() {
        return Timing.forwardBackwardMs(manager, List.of(x),
                sub -> block.forward(ps, new NDList(x), true).singletonOrThrow());
    }
}
