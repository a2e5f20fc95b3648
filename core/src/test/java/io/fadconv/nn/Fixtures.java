package io.fadconv.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The golden fixtures made with the official PyTorch code (see resources/nn/rivals/README.md). */
final class Fixtures {

    private final Map<String, TorchTensor> io;
    private final Path state;

    private Fixtures(String name) {
        try {
            Path dir = Path.of(Fixtures.class.getResource("/nn/rivals/" + name + ".io.npz").toURI())
                    .getParent();
            io = TensorFiles.read(dir.resolve(name + ".io.npz"));
            state = dir.resolve(name + ".state.npz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Fixtures load(String name) {
        return new Fixtures(name);
    }

    /** @return the state_dict file, official key names */
    Path state() {
        return state;
    }

    Map<String, TorchTensor> stateTensors() {
        try {
            return TensorFiles.read(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    float[] floats(String key) {
        TorchTensor t = io.get(key);
        if (t == null) {
            throw new IllegalArgumentException("fixture has no " + key + "; has " + io.keySet());
        }
        return t.floats();
    }

    double[] doubles(String key) {
        float[] f = floats(key);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    long[] shape(String key) {
        return io.get(key).shape();
    }

    float scalar(String key) {
        return floats(key)[0];
    }

    NDArray array(NDManager m, String key) {
        return m.create(floats(key), new Shape(shape(key)));
    }
}
