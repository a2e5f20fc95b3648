package io.fadconv.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.fadconv.Djl;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "use the layer from Java" example, as written there. */
class ReadmeExampleTest {

    @TempDir Path dir;

    @Test
    void theReadmeExampleRunsAsDocumented() throws IOException {
        Djl.engine();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(8, 64, 128, 128));
            Block conv = FadConv.builder()
                    .setFilters(128)
                    .setKernelShape(new Shape(3, 3))
                    .optStride(new Shape(2, 2))
                    .optPadding(new Shape(1, 1))
                    .optExperts(4)
                    .optPoolSize(16)
                    .optLowFrequencies(4)
                    .build();
            conv.initialize(manager, DataType.FLOAT32, new Shape(8, 64, 128, 128));
            NDArray y = conv.forward(new ParameterStore(manager, false), new NDList(x), true)
                    .singletonOrThrow();
            assertThat(y.getShape()).isEqualTo(new Shape(8, 128, 64, 64));

            Path file = dir.resolve("fadconv_layer.npz");
            TorchWeights.save(conv, file);
            TorchWeights.load(conv, file);
            Block spec = Convs.create(ConvSpec.parse("fadconv:k=4,p=16,n=4,h=0,fusion=net,att=fat"),
                    ConvGeometry.same(64, 128, 3, 2));
            assertThat(spec).isInstanceOf(FadConv.class);
        }
    }
}
