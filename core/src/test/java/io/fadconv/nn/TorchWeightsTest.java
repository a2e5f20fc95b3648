package io.fadconv.nn;

import io.fadconv.testing.EngineTest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.fadconv.testing.Blocks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchWeightsTest extends EngineTest {

    @TempDir Path dir;

    private static FadConv layer(int poolSize, boolean bias) {
        return FadConv.builder().setFilters(6).setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1)).optPoolSize(poolSize).optBias(bias).build();
    }

    @Test
    void stateDictHasTheReferenceKeyNames() {
        try (NDManager m = manager.newSubManager()) {
            FadConv conv = Blocks.init(layer(16, false), m, new Shape(1, 8, 12, 12));
            assertThat(TorchWeights.stateDict(conv).entries().keySet()).containsExactly(
                    "experts", "fusion.0.weight", "fusion.0.bias", "fusion.2.weight",
                    "fusion.2.bias", "dct.dct_matrix", "routing.0.weight", "routing.0.bias",
                    "routing.2.weight", "routing.2.bias");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"w.npz", "w.safetensors"})
    void roundTripGivesIdenticalOutputs(String file) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(2, 8, 12, 12);
            FadConv a = Blocks.init(layer(8, true), m, in);
            Blocks.randomize(a, new Random(1), 0.5f);
            FadConv b = Blocks.init(layer(8, true), m, in);
            NDArray x = m.randomNormal(in);
            assertThat(Blocks.forward(b, x, false).toFloatArray())
                    .isNotEqualTo(Blocks.forward(a, x, false).toFloatArray());
            TorchWeights.save(a, dir.resolve(file));
            TorchWeights.load(b, dir.resolve(file));
            assertThat(Blocks.forward(b, x, false).toFloatArray())
                    .containsExactly(Blocks.forward(a, x, false).toFloatArray());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2, 3", "5,", ""})
    void npyBytesAreExactlyWhatNumpySaveWrites(String dims) throws IOException {
        // np.save(buf, np.zeros(shape, np.float32)) with numpy 2.4: magic, version 1.0, header
        // length 118 (0x76), the dict padded with spaces to 117 characters, a newline, the data.
        long[] shape = java.util.Arrays.stream(dims.split(",")).map(String::trim)
                .filter(d -> !d.isEmpty()).mapToLong(Long::parseLong).toArray();
        int n = (int) TorchTensor.numel(shape);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        expected.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0});
        expected.writeBytes((dict + " ".repeat(117 - dict.length()) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        expected.writeBytes(new byte[4 * n]);
        TorchTensor t = TorchTensor.ofFloats(shape, new float[n]);
        assertThat(TensorFiles.npy(t)).containsExactly(expected.toByteArray());
        assertThat(roundTripNpy(t)).isEqualTo(t);
    }

    private static TorchTensor roundTripNpy(TorchTensor t) throws IOException {
        return TensorFiles.readNpy(TensorFiles.npy(t), "test");
    }

    @Test
    void wrongShapeNamesTheKeyAndBothShapes() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            FadConv a = Blocks.init(layer(16, false), m, new Shape(1, 8, 12, 12));
            FadConv b = Blocks.init(layer(16, false), m, new Shape(1, 4, 12, 12));
            TorchWeights.save(a, dir.resolve("a.npz"));
            assertThatThrownBy(() -> TorchWeights.load(b, dir.resolve("a.npz")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key experts has shape [4, 6, 8, 3, 3] in the file but "
                            + "[4, 6, 4, 3, 3] in the layer");
        }
    }

    @Test
    void missingAndUnexpectedKeysAreNamed() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            FadConv a = Blocks.init(layer(16, false), m, new Shape(1, 8, 12, 12));
            Map<String, TorchTensor> t = new LinkedHashMap<>(TorchWeights.toTensors(a, ""));
            t.remove("routing.2.bias");
            t.put("routing.3.weight", TorchTensor.ofFloats(new long[] {1}, new float[1]));
            TensorFiles.write(dir.resolve("bad.safetensors"), t);
            assertThatThrownBy(() -> TorchWeights.load(a, dir.resolve("bad.safetensors")))
                    .hasMessageContaining("missing keys [routing.2.bias]")
                    .hasMessageContaining("unexpected keys [routing.3.weight]");
        }
    }

    @Test
    void wrongDtypeIsRefusedWithAHint() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            FadConv a = Blocks.init(layer(16, false), m, new Shape(1, 8, 12, 12));
            Map<String, TorchTensor> t = new LinkedHashMap<>(TorchWeights.toTensors(a, ""));
            TorchTensor e = t.get("routing.2.bias");
            t.put("routing.2.bias", new TorchTensor(TorchTensor.DType.F64, e.shape(),
                    new byte[e.data().length * 2]));
            TensorFiles.write(dir.resolve("f64.npz"), t);
            assertThatThrownBy(() -> TorchWeights.load(a, dir.resolve("f64.npz")))
                    .hasMessageContaining("key routing.2.bias has dtype F64, expected F32");
        }
    }

    @Test
    void aFileForAnotherPoolSizeIsRefusedAndTheLayerIsUnchanged() throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(1, 8, 12, 12);
            FadConv p16 = Blocks.init(layer(16, false), m, in);
            TorchWeights.save(p16, dir.resolve("p16.npz"));
            FadConv p8 = Blocks.init(layer(8, false), m, in);
            float[] before = TorchWeights.toTensors(p8, "").get("experts").floats();
            assertThatThrownBy(() -> TorchWeights.load(p8, dir.resolve("p16.npz")))
                    .hasMessageContaining("dct.dct_matrix");
            assertThat(TorchWeights.toTensors(p8, "").get("experts").floats())
                    .containsExactly(before);
        }
    }

    @Test
    void corruptFilesGiveAMessageWithTheFileName() throws IOException {
        Path bad = dir.resolve("broken.npz");
        Files.write(bad, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> TensorFiles.read(bad)).hasMessageContaining("broken.npz");
        Path badSt = dir.resolve("broken.safetensors");
        Files.write(badSt, new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0, '{'});
        assertThatThrownBy(() -> TensorFiles.read(badSt)).hasMessageContaining("broken.safetensors");
        assertThatThrownBy(() -> TensorFiles.read(dir.resolve("w.pt")))
                .hasMessageContaining("no such file");
    }
}
