package io.fadconv.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;

/**
 * The project's one JSON mapper and the helpers its files share. Every JSON file and message is
 * read and written through {@link #MAPPER}: trees, and records bound by their components
 * (Jackson's record support) with unknown fields an error.
 */
public final class Json {

    /**
     * The mapper. Binding is strict: unknown fields, nulls for numbers, fractions for integers
     * and numbers written as strings (or the reverse) are errors; paths are plain strings.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .addModule(new SimpleModule("paths")
                    .addSerializer(Path.class, new ToStringSerializer(Path.class))
                    .addDeserializer(Path.class, new FromStringDeserializer<Path>(Path.class) {
                        private static final long serialVersionUID = 1L;

                        @Override
                        protected Path _deserialize(String value, DeserializationContext ctx) {
                            return Path.of(value);
                        }
                    }))
            .build();

    private static final ObjectWriter PRETTY = MAPPER.writer(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    /** @return a new empty object node */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * A value as indented JSON (two spaces, one field a line: the project's JSON files).
     *
     * @param value a tree or a record
     * @return the text, without a final newline
     * @throws JsonProcessingException when the value cannot be written
     */
    public static String pretty(Object value) throws JsonProcessingException {
        return PRETTY.writeValueAsString(value);
    }

    /**
     * A required field.
     *
     * @param node an object
     * @param name the field
     * @return its value
     * @throws IllegalArgumentException when it is missing or null
     */
    public static JsonNode field(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + name + "'");
        }
        return v;
    }

    /**
     * A required array of numbers.
     *
     * @param node an object
     * @param name the field
     * @return the numbers
     * @throws IllegalArgumentException when it is missing or not an array
     */
    public static double[] doubles(JsonNode node, String name) {
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
