package io.fadconv.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fadconv.data.raster.GeoReference;
import io.fadconv.data.raster.RasterInfo;
import io.fadconv.data.raster.RasterSpec;
import io.fadconv.data.raster.SampleType;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Co-registration checks and pixel areas. */
class GridsAndAreasTest {

    static final Path A = Path.of("t1.tif");
    static final Path B = Path.of("t2.tif");

    static RasterInfo info(int w, int h, GeoReference g) {
        RasterSpec s = RasterSpec.of(w, h, 1, SampleType.UINT8);
        return new RasterInfo(w, h, 1, SampleType.UINT8, s.compression(), 1, true, 256, 256, false,
                1, OptionalDouble.empty(), g, null);
    }

    static GeoReference utm(double x, double y, double pixel) {
        return GeoReference.projected(32650, x, y, pixel, "WGS 84 / UTM zone 50N");
    }

    @Test
    void theSameGridPasses() {
        CoRegistration.check(info(100, 80, utm(400000, 3400000, 0.8)), A,
                info(100, 80, utm(400000.0000001, 3400000, 0.8)), B);
        CoRegistration.check(info(10, 8, GeoReference.none()), A,
                info(10, 8, GeoReference.none()), B);
    }

    @Test
    void differentSizesOriginsPixelSizesOrSystemsAreErrors() {
        RasterInfo a = info(100, 80, utm(400000, 3400000, 0.8));
        assertThatThrownBy(() -> CoRegistration.check(a, A, info(100, 81, utm(400000, 3400000,
                0.8)), B)).hasMessageStartingWith("t2.tif is 100x81 pixels but t1.tif is 100x80"
                + "; the two dates must be co-registered");
        assertThatThrownBy(() -> CoRegistration.check(a, A, info(100, 80, utm(400001.6, 3400000,
                0.8)), B)).hasMessageStartingWith("t2.tif has its origin at (400001.6, 3400000) "
                + "but t1.tif at (400000, 3400000), 2.000 x 0.000 pixels apart");
        assertThatThrownBy(() -> CoRegistration.check(a, A, info(100, 80, utm(400000, 3400000,
                1.0)), B)).hasMessageStartingWith("t2.tif has pixel size 1 x -1 but t1.tif has "
                + "0.8 x -0.8");
        GeoReference other = GeoReference.projected(32651, 400000, 3400000, 0.8, "UTM 51N");
        assertThatThrownBy(() -> CoRegistration.check(a, A, info(100, 80, other), B))
                .hasMessageStartingWith("t2.tif is in EPSG:32651 but t1.tif is in EPSG:32650");
        assertThatThrownBy(() -> CoRegistration.check(a, A, info(100, 80, GeoReference.none()),
                B)).hasMessageStartingWith("t1.tif is georeferenced but t2.tif is not");
    }

    @Test
    void pixelAreasComeFromTheGeoreferencingOrTheGivenSize() {
        PixelArea p = PixelArea.of(utm(0, 0, 0.8), OptionalDouble.empty(), A);
        assertThat(p.squareMetres()).isCloseTo(0.64, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(p.hectares(15625)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(PixelArea.of(GeoReference.none(), OptionalDouble.of(2), A).squareMetres())
                .isEqualTo(4);
        assertThatThrownBy(() -> PixelArea.of(GeoReference.none(), OptionalDouble.empty(), A))
                .hasMessage("t1.tif has no georeferencing, so the ground area of a pixel is "
                        + "unknown; give the pixel size in metres (--pixel-size)");
    }

    @Test
    void degreesAndFeet() {
        int[] geographic = {1, 1, 0, 2, 1024, 0, 1, 2, 2048, 0, 1, 4326};
        GeoReference wgs84 = new GeoReference(new double[] {1e-5, 1e-5, 0},
                new double[] {0, 0, 0, 116, 40, 0}, new double[0], geographic, new double[0], null);
        assertThatThrownBy(() -> PixelArea.of(wgs84, OptionalDouble.empty(), A))
                .hasMessageStartingWith("t1.tif is in geographic coordinates (degrees)");
        int[] feet = {1, 1, 0, 3, 1024, 0, 1, 1, 3072, 0, 1, 2229, 3076, 0, 1, 9002};
        GeoReference ft = new GeoReference(new double[] {2, 2, 0},
                new double[] {0, 0, 0, 0, 0, 0}, new double[0], feet, new double[0], null);
        assertThat(PixelArea.of(ft, OptionalDouble.empty(), A).squareMetres())
                .isCloseTo(4 * 0.3048 * 0.3048, org.assertj.core.data.Offset.offset(1e-12));
    }
}
