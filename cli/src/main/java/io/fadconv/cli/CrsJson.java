package io.fadconv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.data.raster.CoordinateSystem;
import io.fadconv.util.Json;
import java.util.Locale;

/** The JSON form of a {@link CoordinateSystem} in {@code fadconv info --json}. */
final class CrsJson {

    private CrsJson() {}

    static ObjectNode of(CoordinateSystem c) {
        ObjectNode o = Json.object();
        o.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
        c.epsg().ifPresentOrElse(e -> o.put("epsg", e), () -> o.putNull("epsg"));
        c.name().ifPresentOrElse(n -> o.put("name", n), () -> o.putNull("name"));
        o.put("description", c.describe());
        c.projection().ifPresent(p -> {
            ObjectNode pj = o.putObject("projection");
            pj.put("method", p.method());
            if (p.methodEpsg() != 0) {
                pj.put("methodEpsg", p.methodEpsg());
            }
            if (p.conversionEpsg() != 0) {
                pj.put("conversionEpsg", p.conversionEpsg());
            }
            var params = pj.putArray("parameters");
            for (CoordinateSystem.Parameter q : p.parameters()) {
                params.addObject().put("name", q.name()).put("value", q.value())
                        .put("unit", q.unit());
            }
        });
        c.base().ifPresent(b -> {
            ObjectNode g = o.putObject("geographic");
            b.epsg().ifPresentOrElse(e -> g.put("epsg", e), () -> g.putNull("epsg"));
            b.name().ifPresent(n -> g.put("name", n));
            b.datumEpsg().ifPresent(e -> g.put("datumEpsg", e));
            b.datum().ifPresent(n -> g.put("datum", n));
            b.semiMajor().ifPresent(v -> g.put("semiMajor", v));
            b.inverseFlattening().ifPresent(v -> g.put("inverseFlattening", v));
        });
        c.unit().ifPresent(u -> {
            ObjectNode j = o.putObject("linearUnit");
            j.put("name", u.name());
            if (u.epsg() != 0) {
                j.put("epsg", u.epsg());
            }
            if (Double.isFinite(u.metres())) {
                j.put("metres", u.metres());
            } else {
                j.putNull("metres");
            }
            j.put("stated", u.stated());
        });
        return o;
    }
}
