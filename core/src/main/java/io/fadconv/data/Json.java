package io.fadconv.data;

import com.fasterxml.jackson.databind.JsonNode;

/** Small helpers for the JSON files of this package. */
final class Json {

    private Json() {}

    /** A required field. */
    static JsonNode field(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return v;
    }

    /** A required array of numbers. */
    static double[] doubles(JsonNode node, String name) {
        JsonNode a = field(node, name);
        if (!a.isArray()) {
            throw new IllegalArgumentException("field '" + name + "' must be an array");
        }
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }
}
