package io.fadconv.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One named tensor as stored in a {@code .npz} or {@code .safetensors} file: a dtype, a shape and
 * little-endian bytes.
 *
 * @param dtype the element type
 * @param shape the shape (empty for a scalar)
 * @param data the little-endian element bytes, {@code numel * dtype.bytes()} long
 */
public record TorchTensor(DType dtype, long[] shape, byte[] data) {

    /** The element types the project reads and writes. */
    public enum DType {
        F32(4, "<f4", "F32"),
        F64(8, "<f8", "F64"),
        I64(8, "<i8", "I64"),
        I32(4, "<i4", "I32"),
        U8(1, "|u1", "U8");

        private final int bytes;
        private final String numpy;
        private final String safetensors;

        DType(int bytes, String numpy, String safetensors) {
            this.bytes = bytes;
            this.numpy = numpy;
            this.safetensors = safetensors;
        }

        /** @return bytes per element */
        public int bytes() {
            return bytes;
        }

        /** @return the numpy {@code descr} string */
        public String numpy() {
            return numpy;
        }

        /** @return the safetensors dtype string */
        public String safetensors() {
            return safetensors;
        }

        static DType fromNumpy(String descr) {
            String d = descr.replace('=', '<');
            if (d.equals("|u1") || d.equals("<u1")) {
                return U8;
            }
            for (DType t : values()) {
                if (t.numpy.equals(d)) {
                    return t;
                }
            }
            return null;
        }

        static DType fromSafetensors(String name) {
            for (DType t : values()) {
                if (t.safetensors.equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** Validates that the byte count matches the shape. */
    public TorchTensor {
        long n = numel(shape);
        if (n * dtype.bytes() != data.length) {
            throw new IllegalArgumentException(
                    "tensor of shape " + Arrays.toString(shape) + " and dtype " + dtype
                            + " needs " + n * dtype.bytes() + " bytes, got " + data.length);
        }
    }

    /**
     * A float32 tensor.
     *
     * @param shape the shape
     * @param values the values, row-major
     * @return the tensor
     */
    public static TorchTensor ofFloats(long[] shape, float[] values) {
        ByteBuffer bb = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        return new TorchTensor(DType.F32, shape.clone(), bb.array());
    }

    /**
     * An int64 scalar (PyTorch's {@code num_batches_tracked}).
     *
     * @param value the value
     * @return the tensor
     */
    public static TorchTensor ofLongScalar(long value) {
        ByteBuffer bb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(value);
        return new TorchTensor(DType.I64, new long[0], bb.array());
    }

    /**
     * The values as floats; only for {@link DType#F32}.
     *
     * @return the values, row-major
     */
    public float[] floats() {
        if (dtype != DType.F32) {
            throw new IllegalStateException("tensor is " + dtype + ", not F32");
        }
        float[] out = new float[data.length / 4];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /**
     * The values as longs; only for {@link DType#I64}.
     *
     * @return the values, row-major
     */
    public long[] longs() {
        if (dtype != DType.I64) {
            throw new IllegalStateException("tensor is " + dtype + ", not I64");
        }
        long[] out = new long[data.length / 8];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        return out;
    }

    /**
     * The number of elements.
     *
     * @param shape a shape
     * @return the product of its dimensions (1 for a scalar)
     */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchTensor t
                && t.dtype == dtype
                && Arrays.equals(t.shape, shape)
                && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
