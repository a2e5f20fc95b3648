package io.fadconv.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.Record;
import io.fadconv.Djl;
import io.fadconv.data.raster.RasterReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentationDatasetTest {

    @TempDir static Path tmp;
    static DatasetSource gid;
    static List<Sample> samples;

    @BeforeAll
    static void data() throws IOException {
        SyntheticDataset.generate(tmp.resolve("s"), SyntheticDatasetTest.small(1)
                .withParts(java.util.EnumSet.of(SyntheticConfig.Part.GID)), false, 2, l -> { });
        gid = Gid.scan(tmp.resolve("s/gid"));
        samples = Tiling.grid(64).cut(gid);
    }

    private SegmentationDataset dataset(Normalization n, int batch, long seed) throws IOException {
        return SegmentationDataset.builder().setSamples(samples).setLabels(Gid.LABELS)
                .setNormalization(n).setShuffledSampling(batch, seed, false).build();
    }

    @Test
    void recordsAreNormalisedImagesAndInt64ClassIds() throws Exception {
        Splits split = Splits.random(samples, 0, Splits.TRAIN_VAL_80_20);
        Normalization n = Normalization.compute(split.select(samples, "train"),
                new int[] {2, 1, 0, 3}, 0, 0);
        SegmentationDataset ds = dataset(n, 4, 0);
        assertThat(ds.size()).isEqualTo(32);
        Sample s = samples.get(5);
        float[] raw;
        int[] cls;
        try (RasterReader r = RasterReader.open(s.scene().image());
                RasterReader l = RasterReader.open(s.scene().label())) {
            raw = r.readWindow(s.window(), 2, 1, 0, 3);
            cls = Gid.LABELS.decode(l, s.window());
        }
        try (NDManager m = Djl.engine().newBaseManager()) {
            Record rec = ds.get(m, 5);
            NDArray x = rec.getData().singletonOrThrow();
            NDArray y = rec.getLabels().singletonOrThrow();
            assertThat(x.getShape()).isEqualTo(new Shape(4, 64, 64));
            assertThat(x.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(y.getShape()).isEqualTo(new Shape(64, 64));
            assertThat(y.getDataType()).isEqualTo(DataType.INT64);
            float[] xv = x.toFloatArray();
            double[] mean = n.mean();
            double[] std = n.std();
            for (int i = 0; i < xv.length; i += 97) {
                int c = i / (64 * 64);
                float expected = raw[i] == 0 ? 0 : (float) ((raw[i] - mean[c]) / std[c]);
                assertThat(xv[i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5f));
            }
            long[] yv = y.toLongArray();
            for (int i = 0; i < yv.length; i++) {
                assertThat(yv[i]).isEqualTo(cls[i]);
            }
            int batches = 0;
            for (Batch b : ds.getData(m)) {
                assertThat(b.getData().singletonOrThrow().getShape())
                        .isEqualTo(new Shape(4, 4, 64, 64));
                assertThat(b.getLabels().singletonOrThrow().getShape()).isEqualTo(new Shape(4, 64, 64));
                b.close();
                batches++;
            }
            assertThat(batches).isEqualTo(8);
        }
    }

    @Test
    void seededShuffleIsReproducibleAndVisitsEverySampleOncePerEpoch() throws IOException {
        SegmentationDataset ds = dataset(Normalization.identity(0, 1, 2), 5, 9);
        List<List<Long>> first = epochs(new BatchSampler(new SeededShuffle(9), 5, false), ds);
        List<List<Long>> again = epochs(new BatchSampler(new SeededShuffle(9), 5, false), ds);
        List<List<Long>> other = epochs(new BatchSampler(new SeededShuffle(10), 5, false), ds);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(first.get(1)).isNotEqualTo(first.get(0));
        for (List<Long> epoch : first) {
            assertThat(new HashSet<>(epoch)).hasSize(32);
            assertThat(epoch).hasSize(32);
        }
    }

    private static List<List<Long>> epochs(BatchSampler sampler, SegmentationDataset ds) {
        List<List<Long>> out = new ArrayList<>();
        for (int e = 0; e < 2; e++) {
            List<Long> order = new ArrayList<>();
            Iterator<List<Long>> it = sampler.sample(ds);
            it.forEachRemaining(order::addAll);
            out.add(order);
        }
        return out;
    }

    @Test
    void buildRefusesMixedSizesAndMissingBands() {
        List<Sample> mixed = new ArrayList<>(samples.subList(0, 2));
        Sample s = samples.get(2);
        mixed.add(new Sample("odd", "odd", s.scene(), new io.fadconv.data.raster.Window(0, 0, 32, 64)));
        assertThatThrownBy(() -> SegmentationDataset.builder().setSamples(mixed)
                .setLabels(Gid.LABELS).setNormalization(Normalization.identity(0)).build())
                .hasMessageContaining("sample odd is 32x64 but " + samples.get(0).id()
                        + " is 64x64; batches need one size");
        assertThatThrownBy(() -> SegmentationDataset.builder().setSamples(samples)
                .setLabels(Gid.LABELS).setNormalization(Normalization.identity(0, 4)).build())
                .hasMessageContaining("has 4 band(s) but the band selection [0, 4] needs 5");
    }
}
