package io.fadconv.model;

import io.fadconv.nn.TensorFiles;
import io.fadconv.nn.TorchTensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

/** The model fixtures under src/test/resources/model (see make_fixtures.py there). */
final class Fixtures {

    private Fixtures() {}

    static Path path(String name) {
        URL url = Fixtures.class.getResource("/model/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test fixture model/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, TorchTensor> tensors(String name) throws IOException {
        return TensorFiles.read(path(name));
    }
}
