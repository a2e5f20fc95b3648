package io.fadconv.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.util.Progress;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.data.raster.Window;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Samples as a DJL dataset, streamed from disk: {@link #get} reads one window of one image and
 * label file (never the whole dataset, never a whole scene), so memory does not grow with the
 * dataset. Each record is
 * <ul>
 *   <li>data: the image, float32 {@code [C, H, W]}, the bands of the {@link Normalization} in its
 *       order, normalised;</li>
 *   <li>label: class ids, int64 {@code [H, W]} (int64 because cross-entropy in PyTorch, and so in
 *       DJL's PyTorch engine, takes int64 class indices).</li>
 * </ul>
 * Batches stack them to {@code [B, C, H, W]} and {@code [B, H, W]}.
 */
public final class SegmentationDataset extends RandomAccessDataset {

    private final List<Sample> samples;
    private final LabelCodec labels;
    private final Normalization normalization;

    private SegmentationDataset(Builder b) {
        super(b);
        this.samples = b.samples;
        this.labels = b.labels;
        this.normalization = b.normalization;
    }

    /**
     * A builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The samples, in index order.
     *
     * @return the samples
     */
    public List<Sample> samples() {
        return samples;
    }

    /**
     * The label encoding (class names, number of classes).
     *
     * @return the codec
     */
    public LabelCodec labels() {
        return labels;
    }

    /**
     * The input bands and their normalisation.
     *
     * @return the normalisation
     */
    public Normalization normalization() {
        return normalization;
    }

    /** One sample read from disk, before it becomes NDArrays. */
    public record Tile(float[] image, int[] label, int channels, int height, int width) {}

    /**
     * Reads a sample: its normalised image bands and its class ids.
     *
     * @param s the sample
     * @return the tile
     * @throws IOException on read failure
     */
    public Tile read(Sample s) throws IOException {
        Window w = s.window();
        float[] image;
        try (RasterReader r = RasterReader.open(s.scene().image())) {
            image = normalization.read(r, w);
        }
        int[] label;
        try (RasterReader r = RasterReader.open(s.scene().label())) {
            if (r.info().width() < w.x() + w.width() || r.info().height() < w.y() + w.height()) {
                throw new IllegalArgumentException(r.file() + ": label is " + r.info().width() + "x"
                        + r.info().height() + ", too small for window " + w + " of its image");
            }
            label = labels.decode(r, w);
        }
        return new Tile(image, label, normalization.channels(), w.height(), w.width());
    }

    @Override
    public Record get(NDManager manager, long index) throws IOException {
        Tile t = read(samples.get(Math.toIntExact(index)));
        NDArray x = manager.create(t.image(), new Shape(t.channels(), t.height(), t.width()));
        long[] ids = new long[t.label().length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = t.label()[i];
        }
        NDArray y = manager.create(ids, new Shape(t.height(), t.width()));
        return new Record(new NDList(x), new NDList(y));
    }

    @Override
    protected long availableSize() {
        return samples.size();
    }

    @Override
    public void prepare(Progress progress) {
        // Nothing to download or cache: samples are read on demand.
    }

    /** Builds a {@link SegmentationDataset}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private List<Sample> samples;
        private LabelCodec labels;
        private Normalization normalization;

        private Builder() {
            sampler = new BatchSampler(new SequenceSampler(), 1, false);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The samples (e.g. one part of a {@link Splits}). Required.
         *
         * @param s the samples, all of one window size
         * @return this
         */
        public Builder setSamples(List<Sample> s) {
            this.samples = List.copyOf(s);
            return this;
        }

        /**
         * How labels encode classes. Required.
         *
         * @param codec e.g. {@link Gid#LABELS}
         * @return this
         */
        public Builder setLabels(LabelCodec codec) {
            this.labels = codec;
            return this;
        }

        /**
         * The input bands and their normalisation. Required.
         *
         * @param n computed on the training split, or loaded with the model
         * @return this
         */
        public Builder setNormalization(Normalization n) {
            this.normalization = n;
            return this;
        }

        /**
         * Batches in a reproducible random order (a {@link SeededShuffle}).
         *
         * @param batchSize samples per batch
         * @param seed the shuffle seed
         * @param dropLast drop a last incomplete batch (training with BatchNorm)
         * @return this
         */
        public Builder setShuffledSampling(int batchSize, long seed, boolean dropLast) {
            return setSampling(new BatchSampler(new SeededShuffle(seed), batchSize, dropLast));
        }

        /**
         * Builds and checks: samples present and of one window size, and the first image has the
         * selected bands.
         *
         * @return the dataset
         * @throws IOException when the first image cannot be read
         */
        public SegmentationDataset build() throws IOException {
            Objects.requireNonNull(labels, "setLabels is required");
            Objects.requireNonNull(normalization, "setNormalization is required");
            if (samples == null || samples.isEmpty()) {
                throw new IllegalArgumentException("a dataset needs at least one sample");
            }
            Window first = samples.get(0).window();
            for (Sample s : samples) {
                if (s.window().width() != first.width() || s.window().height() != first.height()) {
                    throw new IllegalArgumentException(s.scene().image() + ": sample " + s.id()
                            + " is " + s.window().width() + "x" + s.window().height() + " but "
                            + samples.get(0).id() + " is " + first.width() + "x" + first.height()
                            + "; batches need one size");
                }
                if (s.scene().label() == null) {
                    throw new IllegalArgumentException(s.scene().image() + ": has no label file");
                }
            }
            try (RasterReader r = RasterReader.open(samples.get(0).scene().image())) {
                normalization.checkBands(r);
            }
            return new SegmentationDataset(this);
        }
    }
}
