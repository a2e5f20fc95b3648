package io.fadconv.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset kinds: one registry, everything a kind implies, errors that list the names. */
class DatasetKindTest {

    @TempDir Path tmp;

    @Test
    void theKindsAndWhatEachImplies() {
        assertThat(DatasetKind.names()).containsExactly("gid", "hicna", "folder", "synthetic",
                "synthetic-hicna");
        DatasetKind gid = DatasetKind.get(" GID ");
        assertThat(gid).isSameAs(DatasetKind.GID);
        assertThat(gid.classScheme(0, "auto")).isSameAs(ClassScheme.GID);
        assertThat(gid.labelCodec(0, "auto")).isSameAs(Gid.LABELS);
        assertThat(gid.splitFractions()).containsExactly(entry("train", 0.8), entry("val", 0.2));
        assertThat(List.of(gid.preset(), gid.defaultTile(), gid.synthetic()))
                .containsExactly("gid", 512, false);
        DatasetKind hicna = DatasetKind.get("hicna");
        assertThat(hicna.classScheme(0, "auto")).isSameAs(ClassScheme.HICNA);
        assertThat(hicna.splitFractions()).containsExactly(entry("train", 0.6),
                entry("val", 0.2), entry("test", 0.2));
        assertThat(List.of(hicna.preset(), hicna.defaultTile())).containsExactly("hicna", 512);
        DatasetKind synth = DatasetKind.get("synthetic");
        assertThat(List.of(synth.preset(), synth.defaultTile(), synth.synthetic()))
                .containsExactly("gid", 256, true);
        assertThat(synth.classScheme(0, "auto")).isSameAs(ClassScheme.GID);
        DatasetKind sh = DatasetKind.get("synthetic-hicna");
        assertThat(List.of(sh.preset(), sh.defaultTile(), sh.synthetic()))
                .containsExactly("hicna", 256, true);
        assertThat(DatasetKind.all()).filteredOn(DatasetKind::fixesClasses)
                .extracting(DatasetKind::name)
                .containsExactly("gid", "hicna", "synthetic", "synthetic-hicna");
    }

    @Test
    void aFolderTakesItsClassesFromTheConfig() {
        DatasetKind f = DatasetKind.FOLDER;
        assertThat(f.fixesClasses()).isFalse();
        assertThat(f.classCount(0, "auto")).isEqualTo(2);
        assertThat(f.classCount(0, "gid")).isEqualTo(6);
        assertThat(f.classScheme(2, "binary")).isSameAs(ClassScheme.HICNA);
        assertThat(f.classScheme(6, "ids")).isSameAs(ClassScheme.GID);
        assertThat(f.classScheme(3, "ids").names()).containsExactly("class 0", "class 1",
                "class 2");
        assertThat(f.labelCodec(0, "gid")).isSameAs(Gid.LABELS);
        assertThat(f.labelCodec(3, "auto")).isEqualTo(LabelCodec.classIds(
                ClassScheme.numbered(3).names()));
        assertThat(f.splitFractions()).containsExactly(entry("train", 0.6), entry("val", 0.2),
                entry("test", 0.2));
    }

    @Test
    void errorsNameTheValidChoices() {
        assertThatThrownBy(() -> DatasetKind.get("coco"))
                .hasMessage("dataset: unknown kind 'coco'; valid: gid, hicna, folder, synthetic, "
                        + "synthetic-hicna");
        assertThatThrownBy(() -> DatasetKind.GID.validate(2, "auto"))
                .hasMessage("classes: gid has 6 classes, got 2");
        assertThatThrownBy(() -> DatasetKind.GID.validate(0, "binary"))
                .hasMessageContaining("only a folder dataset takes a label encoding");
        assertThatThrownBy(() -> DatasetKind.FOLDER.validate(1, "ids"))
                .hasMessageContaining("a folder dataset needs >= 2 classes");
        assertThatThrownBy(() -> DatasetKind.FOLDER.validate(3, "gid"))
                .hasMessage("classes: GID colours encode 6 classes, got 3");
        assertThatThrownBy(() -> DatasetKind.FOLDER.validate(3, "binary"))
                .hasMessage("classes: binary masks encode 2 classes, got 3");
        assertThatThrownBy(() -> DatasetKind.FOLDER.validate(3, "rgb"))
                .hasMessageContaining("valid: auto, binary, ids, gid");
        assertThatThrownBy(() -> DatasetKind.classesOf("folder"))
                .hasMessage("--classes must be one of gid, hicna, synthetic, synthetic-hicna (a "
                        + "dataset kind with classes of its own), got 'folder'");
        assertThat(DatasetKind.classesOf("hicna")).isSameAs(ClassScheme.HICNA);
        assertThatThrownBy(() -> DatasetKind.register(new DatasetKind("gid",
                (root, labels) -> null, null, null, Splits.TRAIN_VAL_80_20, "gid", 512, false)))
                .hasMessageContaining("'gid' is registered already");
    }

    @Test
    void scanningAMissingFolderNamesTheKindAndTheFolder() {
        assertThatThrownBy(() -> DatasetKind.GID.scan(tmp.resolve("none"), 0, "auto"))
                .hasMessageContaining(tmp.resolve("none").toString());
        assertThatThrownBy(() -> DatasetKind.SYNTHETIC_HICNA.scan(tmp, 0, "auto"))
                .hasMessageContaining(tmp.resolve("hicna").toString());
    }
}
