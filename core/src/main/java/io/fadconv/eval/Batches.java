package io.fadconv.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.data.SegmentationDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Batches of tiles in a given order, read from disk one batch ahead on a background thread while
 * the caller computes on the current one. Pixels stay in Java arrays until the caller turns a
 * batch into NDArrays in its own (per-batch) manager, so nothing here touches an engine.
 * Used by evaluation and training.
 */
public final class Batches implements AutoCloseable {

    /**
     * One batch.
     *
     * @param index the batch number in the epoch, from 0
     * @param size tiles in the batch
     * @param channels image channels
     * @param height tile height
     * @param width tile width
     * @param image normalised pixels, {@code [size, channels, height, width]} row-major
     * @param label class ids, {@code [size, height, width]}
     */
    public record Batch(int index, int size, int channels, int height, int width, float[] image,
            long[] label) {

        /**
         * The images as an NDArray.
         *
         * @param m the manager that will own it (the step's sub-manager)
         * @return float32 {@code [B, C, H, W]}
         */
        public NDArray image(NDManager m) {
            return m.create(image, new Shape(size, channels, height, width));
        }

        /**
         * The labels as an NDArray.
         *
         * @param m the manager that will own it
         * @return int64 {@code [B, H, W]}
         */
        public NDArray label(NDManager m) {
            return m.create(label, new Shape(size, height, width));
        }
    }

    private final SegmentationDataset dataset;
    private final long[] order;
    private final int batchSize;
    private final int count;
    private final ExecutorService reader;
    private int next;
    private Future<Batch> pending;

    /**
     * Batches over {@code order}, starting at batch {@code first} (resuming an epoch).
     *
     * @param dataset the tiles
     * @param order dataset indices in visiting order
     * @param batchSize tiles per batch
     * @param dropLast drop a last incomplete batch (training: BatchNorm needs full batches)
     * @param first the first batch to read
     */
    public Batches(SegmentationDataset dataset, long[] order, int batchSize, boolean dropLast,
            int first) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.dataset = dataset;
        this.order = order.clone();
        this.batchSize = batchSize;
        this.count = count(order.length, batchSize, dropLast);
        if (first < 0 || first > count) {
            throw new IllegalArgumentException("first batch " + first + " is not in 0.." + count);
        }
        this.next = first;
        this.reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fadconv-tile-reader");
            t.setDaemon(true);
            return t;
        });
        schedule();
    }

    /**
     * The number of batches of an epoch.
     *
     * @param tiles tiles in the epoch
     * @param batchSize tiles per batch
     * @param dropLast whether a last incomplete batch is dropped
     * @return the batch count
     */
    public static int count(int tiles, int batchSize, boolean dropLast) {
        return dropLast ? tiles / batchSize : (tiles + batchSize - 1) / batchSize;
    }

    /** @return the batches of the whole order (including any skipped at the start) */
    public int count() {
        return count;
    }

    /** @return whether another batch follows */
    public boolean hasNext() {
        return pending != null;
    }

    /**
     * The next batch (waits for the reader if needed) and starts reading the one after.
     *
     * @return the batch
     * @throws IOException when a tile cannot be read
     */
    public Batch next() throws IOException {
        if (pending == null) {
            throw new NoSuchElementException("no more batches");
        }
        Batch b;
        try {
            b = pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading tiles", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
        schedule();
        return b;
    }

    private void schedule() {
        if (next >= count) {
            pending = null;
            return;
        }
        int index = next++;
        pending = reader.submit(() -> read(index));
    }

    private Batch read(int index) throws IOException {
        int from = index * batchSize;
        int n = Math.min(batchSize, order.length - from);
        float[] image = null;
        long[] label = null;
        int c = 0;
        int h = 0;
        int w = 0;
        for (int i = 0; i < n; i++) {
            SegmentationDataset.Tile t = dataset.read(dataset.samples()
                    .get(Math.toIntExact(order[from + i])));
            if (image == null) {
                c = t.channels();
                h = t.height();
                w = t.width();
                image = new float[n * c * h * w];
                label = new long[n * h * w];
            }
            System.arraycopy(t.image(), 0, image, i * c * h * w, c * h * w);
            int[] ids = t.label();
            int off = i * h * w;
            for (int j = 0; j < ids.length; j++) {
                label[off + j] = ids[j];
            }
        }
        return new Batch(index, n, c, h, w, image, label);
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
