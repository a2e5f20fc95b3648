package io.fadconv.model;

import org.junit.jupiter.api.Nested;

/** The contract, run by every registered model (narrow widths keep them fast). */
class ModelContractTests {

    @Nested
    class ResNet18Unet extends SegmentationModelContract {
        @Override
        protected ModelSpec spec(String conv) {
            return ModelSpec.of("resnet18-unet", conv, 3, 6).withOption("width", "0.0625")
                    .withOption("decoder", "16/16/8/8/8");
        }
    }

    @Nested
    class ResNet34Unet extends SegmentationModelContract {
        @Override
        protected ModelSpec spec(String conv) {
            return ModelSpec.of("resnet34-unet", conv, 3, 6).withOption("width", "0.0625")
                    .withOption("decoder", "16/16/8/8/8");
        }
    }

    @Nested
    class ResNet18QuarterUnet extends SegmentationModelContract {
        @Override
        protected ModelSpec spec(String conv) {
            return ModelSpec.of("resnet18x0.25-unet", conv, 4, 2);
        }
    }

    @Nested
    class MobileNetV2Unet extends SegmentationModelContract {
        @Override
        protected ModelSpec spec(String conv) {
            return ModelSpec.of("mobilenetv2-unet", conv, 3, 6)
                    .withOption("decoder", "16/16/8/8/8");
        }
    }

    @Nested
    class DeepLabV3PlusPaper extends SegmentationModelContract {
        @Override
        protected ModelSpec spec(String conv) {
            return ModelSpec.of("deeplabv3plus-resnet18", conv, 3, 6).withOption("width", "0.0625")
                    .withOption("channels", "16");
        }

        @Override
        protected int[][] sizes() {
            return new int[][] {{32, 48}, {80, 64}};
        }

        @Override
        protected int multiple() {
            return 16;
        }
    }

    @Nested
    class DeepLabV3PlusSmp extends SegmentationModelContract {
        @Override
        protected ModelSpec spec(String conv) {
            return ModelSpec.of("deeplabv3plus-resnet18", conv, 4, 2).withOption("width", "0.0625")
                    .withOption("channels", "16").withOption("variant", "smp")
                    .withOption("stride", "8");
        }

        @Override
        protected int[][] sizes() {
            return new int[][] {{24, 40}, {64, 32}};
        }

        @Override
        protected int multiple() {
            return 8;
        }
    }
}
