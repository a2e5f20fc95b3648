package io.fadconv.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.Iterator;
import java.util.Random;
import java.util.stream.LongStream;

/**
 * A reproducible shuffle for DJL's {@code BatchSampler}: epoch {@code e} (counting calls to
 * {@link #sample}) visits the dataset in the order of a Fisher-Yates shuffle driven by
 * {@code new Random(seed + e)}. DJL's own RandomSampler cannot be seeded per dataset.
 */
public final class SeededShuffle implements Sampler.SubSampler {

    private final long seed;
    private int epoch;

    /**
     * A shuffle.
     *
     * @param seed the seed of the first epoch
     */
    public SeededShuffle(long seed) {
        this.seed = seed;
    }

    /**
     * The order of one epoch.
     *
     * @param size the dataset size
     * @param seed the seed
     * @param epoch the epoch, from 0
     * @return a permutation of 0 .. size-1
     */
    public static long[] order(long size, long seed, int epoch) {
        long[] idx = LongStream.range(0, size).toArray();
        Random r = new Random(seed + epoch);
        for (int i = idx.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    @Override
    public synchronized Iterator<Long> sample(RandomAccessDataset dataset) {
        return LongStream.of(order(dataset.size(), seed, epoch++)).boxed().iterator();
    }
}
