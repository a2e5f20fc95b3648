package io.fadconv.data.raster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A raster's coordinate reference system as its GeoKeys describe it, named the way GDAL names
 * it: the EPSG code when the keys give one; otherwise, for a user-defined system, the projection
 * method and its parameters, the geographic base (datum, ellipsoid) and the linear unit. A
 * projected system is never reported by the code of its geographic base. The one place the
 * project reads CRS GeoKeys (GeoTIFF 1.1, OGC 19-008r4).
 *
 * @param kind projected, geographic, other (GTModelType 3, or keys without a model type) or none
 * @param epsg the EPSG code of the whole system (projected or geographic), when the keys give one
 * @param name the system's name from its citation keys, or empty
 * @param projection the map projection of a user-defined projected system, or empty
 * @param base the geographic base (datum, ellipsoid) of a projected or geographic system
 * @param unit the linear unit of a projected system's coordinates, or empty
 */
public record CoordinateSystem(Kind kind, OptionalInt epsg, Optional<String> name,
        Optional<Projection> projection, Optional<GeographicBase> base, Optional<LinearUnit> unit) {

    /** What kind of coordinates. */
    public enum Kind {
        /** Map coordinates of a projection (metres, feet). */
        PROJECTED,
        /** Longitude and latitude (degrees). */
        GEOGRAPHIC,
        /** GeoKeys without a projected or geographic model (e.g. geocentric, engineering). */
        OTHER,
        /** No GeoKeys. */
        NONE
    }

    /**
     * A map projection.
     *
     * @param method the EPSG method name GDAL uses (e.g. "Albers Equal Area")
     * @param methodEpsg the EPSG method code, or 0 when unknown
     * @param conversionEpsg the EPSG conversion code (ProjectionGeoKey, e.g. 16050 for UTM zone
     *     50N), or 0
     * @param parameters the method's parameters, in the file's units (degrees, linear unit)
     */
    public record Projection(String method, int methodEpsg, int conversionEpsg,
            List<Parameter> parameters) {

        /** Copies the list. */
        public Projection {
            parameters = List.copyOf(parameters);
        }

        /**
         * A parameter's value by its name.
         *
         * @param parameterName e.g. "False easting"
         * @return the value, or empty
         */
        public OptionalDouble parameter(String parameterName) {
            return parameters.stream().filter(p -> p.name().equals(parameterName))
                    .mapToDouble(Parameter::value).findFirst();
        }
    }

    /**
     * One projection parameter.
     *
     * @param name EPSG's name where known (as GDAL names it), else the GeoKey's
     * @param value its value
     * @param unit "degree", the linear unit's name, or "unity" for scale factors
     */
    public record Parameter(String name, double value, String unit) {}

    /**
     * The geographic base: datum and ellipsoid.
     *
     * @param epsg the geographic system's EPSG code (e.g. 4269 NAD83), or empty when user-defined
     * @param name its name (known code or citation), or empty
     * @param datumEpsg the datum's EPSG code, or empty
     * @param datum the datum's name, or empty
     * @param semiMajor the ellipsoid's semi-major axis in metres, when the keys give it
     * @param inverseFlattening the ellipsoid's inverse flattening, when the keys give it
     */
    public record GeographicBase(OptionalInt epsg, Optional<String> name, OptionalInt datumEpsg,
            Optional<String> datum, OptionalDouble semiMajor, OptionalDouble inverseFlattening) {}

    /**
     * A linear unit.
     *
     * @param epsg its EPSG code (9001 metre, 9002 foot, 9003 US survey foot), or 0 when only the
     *     size is given
     * @param name its name as EPSG spells it
     * @param metres its length in metres (NaN for a unit code not known here)
     * @param stated false when the file does not say and metre is assumed
     */
    public record LinearUnit(int epsg, String name, double metres, boolean stated) {}

    static final int KEY_MODEL_TYPE = 1024;
    static final int KEY_CITATION = 1026;
    static final int KEY_GEOGRAPHIC_TYPE = 2048;
    static final int KEY_GEOG_CITATION = 2049;
    static final int KEY_GEOG_DATUM = 2050;
    static final int KEY_GEOG_SEMI_MAJOR = 2057;
    static final int KEY_GEOG_SEMI_MINOR = 2058;
    static final int KEY_GEOG_INV_FLATTENING = 2059;
    static final int KEY_PROJECTED_TYPE = 3072;
    static final int KEY_PCS_CITATION = 3073;
    static final int KEY_PROJECTION = 3074;
    static final int KEY_COORD_TRANS = 3075;
    static final int KEY_LINEAR_UNITS = 3076;
    static final int KEY_LINEAR_UNIT_SIZE = 3077;
    static final int USER_DEFINED = 32767;

    private static final Map<Integer, String> GEOGRAPHIC_NAMES = Map.ofEntries(
            Map.entry(4326, "WGS 84"), Map.entry(4269, "NAD83"), Map.entry(4267, "NAD27"),
            Map.entry(4490, "China Geodetic Coordinate System 2000"), Map.entry(4258, "ETRS89"),
            Map.entry(4674, "SIRGAS 2000"), Map.entry(4214, "Beijing 1954"),
            Map.entry(4610, "Xian 1980"), Map.entry(4283, "GDA94"), Map.entry(4322, "WGS 72"),
            Map.entry(4019, "Unknown datum based upon the GRS 1980 ellipsoid"));
    private static final Map<Integer, String> DATUM_NAMES = Map.ofEntries(
            Map.entry(6326, "World Geodetic System 1984"), Map.entry(6269, "North American Datum 1983"),
            Map.entry(6267, "North American Datum 1927"),
            Map.entry(1043, "China 2000"), Map.entry(6258, "European Terrestrial Reference System 1989"),
            Map.entry(6674, "Sistema de Referencia Geocentrico para las AmericaS 2000"),
            Map.entry(6214, "Beijing 1954"), Map.entry(6610, "Xian 1980"));

    /** The empty description. */
    static final CoordinateSystem NONE = new CoordinateSystem(Kind.NONE, OptionalInt.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /**
     * Reads the CRS GeoKeys of a georeferencing.
     *
     * @param g the georeferencing
     * @return the description
     */
    static CoordinateSystem of(GeoReference g) {
        if (g.geoKeys().length == 0) {
            return NONE;
        }
        int model = g.geoKeyShort(KEY_MODEL_TYPE).orElse(0);
        OptionalInt pcs = code(g, KEY_PROJECTED_TYPE);
        boolean projected = model == 1 || model == 0 && g.geoKeyShort(KEY_PROJECTED_TYPE).isPresent();
        boolean geographic = model == 2
                || model == 0 && !projected && g.geoKeyShort(KEY_GEOGRAPHIC_TYPE).isPresent();
        Optional<GeographicBase> base = geographic || projected && hasGeographicKeys(g)
                ? Optional.of(base(g)) : Optional.empty();
        if (projected) {
            Optional<String> name = text(g, KEY_PCS_CITATION).or(() -> text(g, KEY_CITATION));
            LinearUnit unit = linearUnit(g);
            Optional<Projection> projection = pcs.isPresent() ? Optional.empty()
                    : Optional.of(projection(g, unit));
            return new CoordinateSystem(Kind.PROJECTED, pcs, name, projection, base,
                    Optional.of(unit));
        }
        if (geographic) {
            GeographicBase b = base.orElseThrow();
            return new CoordinateSystem(Kind.GEOGRAPHIC, b.epsg(),
                    b.name().or(() -> text(g, KEY_CITATION)), Optional.empty(), base,
                    Optional.empty());
        }
        return new CoordinateSystem(Kind.OTHER, OptionalInt.empty(), text(g, KEY_CITATION),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static OptionalInt code(GeoReference g, int key) {
        OptionalInt v = g.geoKeyShort(key);
        return v.isPresent() && v.getAsInt() != USER_DEFINED && v.getAsInt() != 0 ? v
                : OptionalInt.empty();
    }

    private static Optional<String> text(GeoReference g, int key) {
        return g.geoKeyAscii(key).map(String::strip).filter(s -> !s.isEmpty());
    }

    /**
     * An EPSG-coded projected system may leave its base implied by the code (units alone do not
     * describe a base).
     */
    private static boolean hasGeographicKeys(GeoReference g) {
        for (int key : new int[] {KEY_GEOGRAPHIC_TYPE, KEY_GEOG_CITATION, KEY_GEOG_DATUM, 2056,
            KEY_GEOG_SEMI_MAJOR, KEY_GEOG_SEMI_MINOR, KEY_GEOG_INV_FLATTENING}) {
            if (g.hasGeoKey(key)) {
                return true;
            }
        }
        return false;
    }

    private static GeographicBase base(GeoReference g) {
        OptionalInt gcs = code(g, KEY_GEOGRAPHIC_TYPE);
        OptionalInt datum = code(g, KEY_GEOG_DATUM);
        Optional<String> citation = text(g, KEY_GEOG_CITATION);
        Optional<String> name = gcs.isPresent() && GEOGRAPHIC_NAMES.containsKey(gcs.getAsInt())
                ? Optional.of(GEOGRAPHIC_NAMES.get(gcs.getAsInt()))
                : citation.map(c -> gdalCitationPart(c, "GCS Name").orElse(c));
        Optional<String> datumName = datum.isPresent()
                ? Optional.ofNullable(DATUM_NAMES.get(datum.getAsInt()))
                : citation.flatMap(c -> gdalCitationPart(c, "Datum"));
        OptionalDouble a = g.geoKeyDouble(KEY_GEOG_SEMI_MAJOR);
        OptionalDouble invF = g.geoKeyDouble(KEY_GEOG_INV_FLATTENING);
        OptionalDouble b = g.geoKeyDouble(KEY_GEOG_SEMI_MINOR);
        if (invF.isEmpty() && a.isPresent() && b.isPresent()) {
            double ax = a.getAsDouble();
            invF = b.getAsDouble() == ax ? OptionalDouble.of(0)
                    : OptionalDouble.of(ax / (ax - b.getAsDouble()));
        }
        return new GeographicBase(gcs, name, datum, datumName, a, invF);
    }

    /** GDAL's citation convention "GCS Name = X|Datum = Y|Ellipsoid = Z|Primem = W|". */
    private static Optional<String> gdalCitationPart(String citation, String key) {
        for (String part : citation.split("\\|")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals(key)) {
                return Optional.of(part.substring(eq + 1).strip()).filter(v -> !v.isEmpty());
            }
        }
        return Optional.empty();
    }

    private static LinearUnit linearUnit(GeoReference g) {
        OptionalInt code = g.geoKeyShort(KEY_LINEAR_UNITS);
        if (code.isEmpty()) {
            // GDAL names it "unknown" and counts it as 1 metre
            return new LinearUnit(0, "unknown", 1, false);
        }
        return switch (code.getAsInt()) {
            case 9001 -> new LinearUnit(9001, "metre", 1, true);
            case 9002 -> new LinearUnit(9002, "foot", 0.3048, true);
            case 9003 -> new LinearUnit(9003, "US survey foot", 1200.0 / 3937.0, true);
            case 9036 -> new LinearUnit(9036, "kilometre", 1000, true);
            default -> {
                OptionalDouble size = g.geoKeyDouble(KEY_LINEAR_UNIT_SIZE);
                if (size.isPresent() && size.getAsDouble() > 0) {
                    yield new LinearUnit(code.getAsInt() == USER_DEFINED ? 0 : code.getAsInt(),
                            String.format(Locale.ROOT, "unit of %s m", size.getAsDouble()),
                            size.getAsDouble(), true);
                }
                yield new LinearUnit(code.getAsInt(), "EPSG unit " + code.getAsInt()
                        + " (not known here)", Double.NaN, true);
            }
        };
    }

    /** GeoTIFF ProjCoordTransGeoKey codes: EPSG method name and code (as GDAL maps them). */
    private static String[] method(int ct, GeoReference g) {
        return switch (ct) {
            case 1 -> new String[] {"Transverse Mercator", "9807"};
            case 3 -> new String[] {"Hotine Oblique Mercator (variant B)", "9815"};
            case 7 -> g.geoKeyDouble(3078).isPresent()
                    ? new String[] {"Mercator (variant B)", "9805"}
                    : new String[] {"Mercator (variant A)", "9804"};
            case 8 -> new String[] {"Lambert Conic Conformal (2SP)", "9802"};
            case 9 -> new String[] {"Lambert Conic Conformal (1SP)", "9801"};
            case 10 -> new String[] {"Lambert Azimuthal Equal Area", "9820"};
            case 11 -> new String[] {"Albers Equal Area", "9822"};
            case 12 -> new String[] {"Azimuthal Equidistant", "0"};
            case 15 -> new String[] {"Polar Stereographic (variant A)", "9810"};
            case 16 -> new String[] {"Oblique Stereographic", "9809"};
            case 17 -> new String[] {"Equidistant Cylindrical", "1028"};
            case 18 -> new String[] {"Cassini-Soldner", "9806"};
            case 21 -> new String[] {"American Polyconic", "9818"};
            case 24 -> new String[] {"Van der Grinten", "0"};
            case 25 -> new String[] {"Sinusoidal", "0"};
            case 26 -> new String[] {"Transverse Mercator (South Orientated)", "9808"};
            case 28 -> new String[] {"Lambert Cylindrical Equal Area", "9835"};
            default -> new String[] {"GeoTIFF coordinate transformation " + ct, "0"};
        };
    }

    private static Projection projection(GeoReference g, LinearUnit unit) {
        int conversion = g.geoKeyShort(KEY_PROJECTION).orElse(0);
        if (conversion == USER_DEFINED) {
            conversion = 0;
        }
        List<Parameter> p = new ArrayList<>();
        if (conversion >= 16001 && conversion <= 16060 || conversion >= 16101 && conversion <= 16160) {
            // EPSG's UTM zone conversions: the parameters are implied by the code
            int zone = conversion % 100;
            boolean south = conversion > 16100;
            p.add(new Parameter("Latitude of natural origin", 0, "degree"));
            p.add(new Parameter("Longitude of natural origin", -183 + 6 * zone, "degree"));
            p.add(new Parameter("Scale factor at natural origin", 0.9996, "unity"));
            p.add(new Parameter("False easting", 500000, "metre"));
            p.add(new Parameter("False northing", south ? 10000000 : 0, "metre"));
            return new Projection("Transverse Mercator", 9807, conversion, p);
        }
        int ct = g.geoKeyShort(KEY_COORD_TRANS).orElse(0);
        String[] m = method(ct, g);
        String lin = unit.name();
        switch (ct) {
            case 8, 11 -> {
                add(p, g, "Latitude of 1st standard parallel", "degree", 3078);
                add(p, g, "Latitude of 2nd standard parallel", "degree", 3079);
                add(p, g, "Latitude of false origin", "degree", 3085, 3081, 3089);
                add(p, g, "Longitude of false origin", "degree", 3084, 3080, 3088);
                add(p, g, "Easting at false origin", lin, 3086, 3082, 3090);
                add(p, g, "Northing at false origin", lin, 3087, 3083, 3091);
            }
            case 10 -> {
                add(p, g, "Latitude of natural origin", "degree", 3089, 3081);
                add(p, g, "Longitude of natural origin", "degree", 3088, 3080);
                add(p, g, "False easting", lin, 3082, 3090);
                add(p, g, "False northing", lin, 3083, 3091);
            }
            case 17 -> {
                add(p, g, "Latitude of 1st standard parallel", "degree", 3078, 3081, 3089);
                add(p, g, "Longitude of natural origin", "degree", 3080, 3088);
                add(p, g, "False easting", lin, 3082);
                add(p, g, "False northing", lin, 3083);
            }
            case 7 -> {
                if (g.geoKeyDouble(3078).isPresent()) {
                    add(p, g, "Latitude of 1st standard parallel", "degree", 3078);
                } else {
                    add(p, g, "Latitude of natural origin", "degree", 3081);
                }
                add(p, g, "Longitude of natural origin", "degree", 3080, 3088);
                if (g.geoKeyDouble(3078).isEmpty()) {
                    add(p, g, "Scale factor at natural origin", "unity", 3092);
                }
                add(p, g, "False easting", lin, 3082);
                add(p, g, "False northing", lin, 3083);
            }
            case 1, 9, 15, 16, 26 -> {
                add(p, g, "Latitude of natural origin", "degree", 3081, 3085, 3089);
                add(p, g, "Longitude of natural origin", "degree", 3080, 3084, 3088, 3095);
                add(p, g, "Scale factor at natural origin", "unity", 3092, 3093);
                add(p, g, "False easting", lin, 3082, 3086, 3090);
                add(p, g, "False northing", lin, 3083, 3087, 3091);
            }
            default -> {
                // an uncommon method: its parameters under the GeoKeys' own names
                String[] names = {"ProjStdParallel1", "ProjStdParallel2", "ProjNatOriginLong",
                    "ProjNatOriginLat", "ProjFalseEasting", "ProjFalseNorthing",
                    "ProjFalseOriginLong", "ProjFalseOriginLat", "ProjFalseOriginEasting",
                    "ProjFalseOriginNorthing", "ProjCenterLong", "ProjCenterLat",
                    "ProjCenterEasting", "ProjCenterNorthing", "ProjScaleAtNatOrigin",
                    "ProjScaleAtCenter", "ProjAzimuthAngle", "ProjStraightVertPoleLong"};
                for (int k = 0; k < names.length; k++) {
                    int key = 3078 + k;
                    String u = names[k].contains("Easting") || names[k].contains("Northing") ? lin
                            : names[k].contains("Scale") ? "unity" : "degree";
                    add(p, g, names[k], u, key);
                }
            }
        }
        return new Projection(m[0], Integer.parseInt(m[1]), conversion, p);
    }

    /** Adds the first of the keys the file has; GDAL accepts these alternatives too. */
    private static void add(List<Parameter> p, GeoReference g, String name, String unit,
            int... keys) {
        for (int k : keys) {
            OptionalDouble v = g.geoKeyDouble(k);
            if (v.isPresent()) {
                p.add(new Parameter(name, v.getAsDouble(), unit));
                return;
            }
        }
    }

    /**
     * Whether this is a projected system.
     *
     * @return true for map coordinates
     */
    public boolean isProjected() {
        return kind == Kind.PROJECTED;
    }

    /**
     * Whether this is a geographic system (degrees).
     *
     * @return true for longitude/latitude
     */
    public boolean isGeographic() {
        return kind == Kind.GEOGRAPHIC;
    }

    /**
     * One line for people, e.g. "EPSG:32650 (WGS 84 / UTM zone 50N)" or "user-defined projected:
     * Albers Equal Area (Latitude of 1st standard parallel 29.5, ...) on NAD83 (EPSG:4269),
     * metre".
     *
     * @return the description
     */
    public String describe() {
        String label = name.map(n -> " (" + n + ")").orElse("");
        switch (kind) {
            case NONE -> {
                return "none";
            }
            case OTHER -> {
                return "user-defined, neither projected nor geographic" + label;
            }
            case GEOGRAPHIC -> {
                if (epsg.isPresent()) {
                    return "EPSG:" + epsg.getAsInt() + label;
                }
                return "user-defined geographic" + label + baseText();
            }
            default -> {
                if (epsg.isPresent()) {
                    return "EPSG:" + epsg.getAsInt() + label;
                }
                StringBuilder sb = new StringBuilder("user-defined projected" + label);
                projection.ifPresent(p -> {
                    sb.append(": ").append(p.method());
                    if (p.conversionEpsg() != 0) {
                        sb.append(" (EPSG conversion ").append(p.conversionEpsg()).append(')');
                    }
                    List<String> ps = new ArrayList<>();
                    for (Parameter q : p.parameters()) {
                        ps.add(q.name() + " " + num(q.value()));
                    }
                    if (!ps.isEmpty()) {
                        sb.append(" (").append(String.join(", ", ps)).append(')');
                    }
                });
                sb.append(baseText());
                unit.ifPresent(u -> sb.append(", ").append(u.stated() ? u.name()
                        : "linear unit not stated (metre assumed, as GDAL does)"));
                return sb.toString();
            }
        }
    }

    private String baseText() {
        if (base.isEmpty()) {
            return "";
        }
        GeographicBase b = base.get();
        StringBuilder sb = new StringBuilder(" on ");
        if (b.name().isPresent()) {
            sb.append(b.name().get());
            b.epsg().ifPresent(c -> sb.append(" (EPSG:").append(c).append(')'));
        } else if (b.epsg().isPresent()) {
            sb.append("EPSG:").append(b.epsg().getAsInt());
        } else if (b.datum().isPresent() || b.datumEpsg().isPresent()) {
            sb.append("datum ").append(b.datum().orElse("EPSG:" + b.datumEpsg().getAsInt()));
        } else {
            sb.append("a user-defined geographic system");
        }
        if (b.semiMajor().isPresent()) {
            sb.append(", ellipsoid a=").append(num(b.semiMajor().getAsDouble()));
            b.inverseFlattening().ifPresent(f -> sb.append(" 1/f=").append(num(f)));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.10g", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
