package io.fadconv.data.raster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;

/** Compares our {@link CoordinateSystem} with GDAL's PROJJSON of the same file. */
final class CrsAgreement {

    private CrsAgreement() {}

    /** The length of the projected system's axis unit in metres, from PROJJSON. */
    static double linearUnitFactor(JsonNode pj) {
        JsonNode unit = pj.get("coordinate_system").get("axis").get(0).get("unit");
        if (unit.isTextual()) {
            assertThat(unit.asText()).isEqualTo("metre");
            return 1;
        }
        return unit.get("conversion_factor").asDouble();
    }

    static String linearUnitName(JsonNode pj) {
        JsonNode unit = pj.get("coordinate_system").get("axis").get(0).get("unit");
        return unit.isTextual() ? unit.asText() : unit.get("name").asText();
    }

    static void assertSame(CoordinateSystem ours, JsonNode pj) {
        String type = pj.get("type").asText();
        String desc = ours.describe();
        switch (type) {
            case "ProjectedCRS" -> assertThat(ours.kind()).as(desc)
                    .isEqualTo(CoordinateSystem.Kind.PROJECTED);
            case "GeographicCRS" -> assertThat(ours.kind()).as(desc)
                    .isEqualTo(CoordinateSystem.Kind.GEOGRAPHIC);
            default -> throw new AssertionError("unexpected PROJJSON type " + type);
        }
        if (pj.has("id")) {
            assertThat(ours.epsg()).as(desc).hasValue(pj.get("id").get("code").asInt());
        } else {
            assertThat(ours.epsg()).as(desc).isEmpty();
        }
        if (!ours.isProjected()) {
            return;
        }
        JsonNode base = pj.get("base_crs");
        if (ours.epsg().isPresent()
                && (ours.base().isEmpty() || ours.base().get().epsg().isEmpty())) {
            // an EPSG-coded projected system whose keys leave the base to the code, as GDAL writes
        } else if (base.has("id")) {
            assertThat(ours.base().orElseThrow().epsg()).as(desc)
                    .hasValue(base.get("id").get("code").asInt());
        } else {
            assertThat(ours.base().orElseThrow().epsg()).as(desc).isEmpty();
            JsonNode ellipsoid = base.get("datum").get("ellipsoid");
            if (ellipsoid.has("semi_major_axis") && ours.base().get().semiMajor().isPresent()) {
                assertThat(ours.base().get().semiMajor().getAsDouble()).as(desc)
                        .isCloseTo(ellipsoid.get("semi_major_axis").asDouble(), within(1e-6));
            }
        }
        CoordinateSystem.LinearUnit unit = ours.unit().orElseThrow();
        assertThat(unit.metres()).as(desc).isCloseTo(linearUnitFactor(pj), within(1e-12));
        assertThat(unit.name()).as(desc).isEqualTo(linearUnitName(pj));
        if (ours.epsg().isPresent()) {
            assertThat(ours.projection()).as(desc).isEmpty();
            return;
        }
        CoordinateSystem.Projection p = ours.projection().orElseThrow();
        JsonNode conversion = pj.get("conversion");
        assertThat(p.method()).as(desc).isEqualTo(conversion.get("method").get("name").asText());
        if (conversion.get("method").has("id")) {
            assertThat(p.methodEpsg()).as(desc)
                    .isEqualTo(conversion.get("method").get("id").get("code").asInt());
        }
        JsonNode params = conversion.get("parameters");
        assertThat(p.parameters()).as(desc).hasSize(params.size());
        for (JsonNode q : params) {
            String name = q.get("name").asText();
            assertThat(p.parameter(name)).as(desc + ": " + name).isPresent();
            CoordinateSystem.Parameter ourParam = p.parameters().stream()
                    .filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            double ourFactor = ourParam.unit().equals(unit.name()) ? unit.metres() : 1;
            JsonNode u = q.get("unit");
            double theirFactor = u == null || u.isTextual() ? 1 : u.get("conversion_factor").asDouble();
            assertThat(ourParam.value() * ourFactor).as(desc + ": " + name)
                    .isCloseTo(q.get("value").asDouble() * theirFactor, within(1e-6));
        }
    }
}
