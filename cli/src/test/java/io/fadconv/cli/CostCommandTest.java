package io.fadconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code fadconv cost}: the paper-format rows and one-line errors. */
class CostCommandTest {

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void oneRowInThePaperFormat() {
        CliRun r = run("cost", "--model", "deeplabv3plus-resnet18", "--conv", "fadconv:k=4,p=16",
                "--size", "512", "--classes", "6");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines()).hasSize(3);
        assertThat(r.out()).contains("deeplabv3plus-resnet18 at 512 x 512")
                .containsPattern("fadconv:k=4,p=16 +\\d+\\.\\d\\dM +62\\.18M +31\\.68G"
                        + " +\\+122\\.37M +\\+120\\.00M");
    }

    @Test
    void allSpecsWithPoolSizeVariants() {
        CliRun r = run("cost", "--model", "resnet18x0.25-unet", "--all", "--size", "64");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("4 input channels, 1 classes").contains("static ")
                .contains("fadconv ").contains("fadconv:p=32");
    }

    @Test
    void summaryAndOps() {
        CliRun r = run("cost", "--model", "resnet18-unet", "--conv", "fadconv", "--size", "64",
                "--summary", "--ops");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("replaced roles: block -> 16 of", "encoder.layer4.1.conv2",
                "segmentation_head.0", "maxpool 3x3 s2", "aggregation");
    }

    @Test
    void badInputIsOneLine() {
        CliRun r = run("cost", "--model", "resnet18-unet", "--size", "100");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n")
                .contains("multiples of 32, got 100 x 100; pad or crop to e.g. 128 x 128");
        CliRun unknown = run("cost", "--model", "unet");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("valid models: resnet18-unet");
        CliRun option = run("cost", "--model", "mobilenetv2-unet", "-o", "decoder=1/2");
        assertThat(option.err()).contains("invalid mobilenetv2-unet option decoder=1/2");
        CliRun list = run("cost", "--list");
        assertThat(list.out()).contains("deeplabv3plus-resnet18", "variant (default paper)");
    }
}
