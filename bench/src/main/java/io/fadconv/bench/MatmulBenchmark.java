package io.fadconv.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import io.fadconv.engine.FmaPeak;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The machine's practical limit: the GFLOP/s the engine reaches on a large float32 matrix
 * product (the best case for its BLAS), against which models are judged.
 */
public final class MatmulBenchmark {

    private MatmulBenchmark() {}

    /**
     * Median GFLOP/s of {@code [n x n] x [n x n]} (2 n^3 floating-point operations).
     *
     * @param n the matrix side
     * @param warmup untimed runs
     * @param rounds timed runs
     * @return GFLOP/s
     */
    public static double gflops(int n, int warmup, int rounds) {
        try (NDManager m = Djl.engine().newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            double[][] t = Timing.interleaved(List.of(
                    () -> Timing.forwardMs(m, List.of(a, b), s -> a.matMul(b).sum())),
                    warmup, rounds);
            return 2.0 * n * n * n / (Timing.median(t[0]) * 1e6);
        }
    }

    /**
     * The two lines that head a report of rates: what a matrix product reached here, as a share
     * of the nominal FMA peak, and how that peak was computed.
     *
     * @param n the matrix side
     * @param gflops what the product reached
     * @param peak the nominal FMA peak, or empty when unknown
     * @return two lines, each ending in a newline
     */
    public static String limits(int n, double gflops, Optional<FmaPeak> peak) {
        String share = peak.map(p -> String.format(Locale.ROOT,
                ", %.0f %% of the nominal FMA peak", 100 * gflops / p.gflops())).orElse("");
        return String.format(Locale.ROOT, "matrix-product limit: %.0f GFLOP/s (%d x %d float32 "
                + "matmul)%s%nnominal FMA peak: %s%n", gflops, n, n, share,
                peak.map(FmaPeak::describe).orElse(FmaPeak.UNKNOWN));
    }
}
