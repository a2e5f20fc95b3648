package io.fadconv.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.FilePaths;
import io.fadconv.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes named tensors as numpy {@code .npz} archives ({@code np.savez} and
 * {@code np.savez_compressed}) and as {@code .safetensors} files, the two formats PyTorch users
 * exchange state dicts in. Files are written atomically.
 */
public final class TensorFiles {

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private TensorFiles() {}

    /** The file formats, chosen by extension. */
    public enum Format {
        NPZ,
        SAFETENSORS;

        /**
         * The format a path's extension names.
         *
         * @param path the path
         * @return the format
         * @throws IllegalArgumentException for any other extension
         */
        public static Format of(Path path) {
            String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".npz")) {
                return NPZ;
            }
            if (name.endsWith(".safetensors")) {
                return SAFETENSORS;
            }
            throw new IllegalArgumentException(
                    path + ": unknown weight file type; use a .npz or .safetensors file");
        }
    }

    /**
     * Reads every tensor of a file, in file order.
     *
     * @param path a .npz or .safetensors file
     * @return the tensors by name
     * @throws IOException if the file cannot be read or is malformed (the message names the file)
     */
    public static Map<String, TorchTensor> read(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new FilePaths.NotAFileException(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": no such file");
        }
        return Format.of(path) == Format.NPZ ? readNpz(path) : readSafetensors(path);
    }

    /**
     * Writes tensors to a file, atomically.
     *
     * @param path a .npz or .safetensors path
     * @param tensors the tensors by name
     * @throws IOException on failure
     */
    public static void write(Path path, Map<String, TorchTensor> tensors) throws IOException {
        Format format = Format.of(path);
        AtomicFiles.write(path, out -> {
            if (format == Format.NPZ) {
                writeNpz(out, tensors);
            } else {
                writeSafetensors(out, tensors);
            }
        });
    }

    // ---------------------------------------------------------------- npz

    private static Map<String, TorchTensor> readNpz(Path path) throws IOException {
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    continue;
                }
                String key = name.substring(0, name.length() - 4);
                try (InputStream in = zip.getInputStream(e)) {
                    out.put(key, readNpy(in.readAllBytes(), path + "[" + key + "]"));
                }
            }
        } catch (ZipException e) {
            throw new IOException(path + ": not a valid .npz archive (" + e.getMessage() + ")", e);
        }
        return out;
    }

    /**
     * Parses one {@code .npy} payload.
     *
     * @param bytes the whole .npy content
     * @param where a name for error messages
     * @return the tensor
     * @throws IOException if malformed or of an unsupported dtype
     */
    static TorchTensor readNpy(byte[] bytes, String where) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < NPY_MAGIC.length; i++) {
            if (bytes.length <= i || bytes[i] != NPY_MAGIC[i]) {
                throw new IOException(where + ": not a .npy array (bad magic)");
            }
        }
        int major = bytes[6];
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(bb.getShort(8));
            offset = 10;
        } else if (major == 2 || major == 3) {
            headerLen = bb.getInt(8);
            offset = 12;
        } else {
            throw new IOException(where + ": unsupported .npy version " + major);
        }
        if (offset + headerLen > bytes.length) {
            throw new IOException(where + ": truncated .npy header");
        }
        String header = new String(bytes, offset, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(where + ": malformed .npy header: " + header.trim());
        }
        TorchTensor.DType dtype = TorchTensor.DType.fromNumpy(d.group(1));
        if (dtype == null) {
            throw new IOException(where + ": unsupported dtype " + d.group(1)
                    + "; save float32 arrays (.astype(np.float32))");
        }
        if (f.group(1).equals("True")) {
            throw new IOException(where + ": Fortran-ordered array; save with np.ascontiguousarray");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Long.parseLong(part.trim()));
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        int dataStart = offset + headerLen;
        long need = TorchTensor.numel(shape) * dtype.bytes();
        if (bytes.length - dataStart < need) {
            throw new IOException(where + ": truncated data: " + (bytes.length - dataStart)
                    + " bytes, shape needs " + need);
        }
        byte[] data = new byte[(int) need];
        System.arraycopy(bytes, dataStart, data, 0, data.length);
        return new TorchTensor(dtype, shape, data);
    }

    private static void writeNpz(OutputStream out, Map<String, TorchTensor> tensors)
            throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, TorchTensor> e : tensors.entrySet()) {
            zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
            zip.write(npy(e.getValue()));
            zip.closeEntry();
        }
        zip.finish();
    }

    /**
     * Encodes one tensor as a version 1.0 {@code .npy} payload, header padded to 64 bytes as
     * numpy writes it.
     *
     * @param t the tensor
     * @return the bytes
     */
    static byte[] npy(TorchTensor t) {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < t.shape().length; i++) {
            shape.append(t.shape()[i]).append(t.shape().length == 1 ? "," : i + 1 < t.shape().length ? ", " : "");
        }
        shape.append(")");
        String dict = "{'descr': '" + t.dtype().numpy() + "', 'fortran_order': False, 'shape': "
                + shape + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream bos = new ByteArrayOutputStream(10 + header.length() + t.data().length);
        bos.writeBytes(NPY_MAGIC);
        bos.write(1);
        bos.write(0);
        bos.write(header.length() & 0xff);
        bos.write((header.length() >> 8) & 0xff);
        bos.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        bos.writeBytes(t.data());
        return bos.toByteArray();
    }

    // ---------------------------------------------------------------- safetensors

    private static Map<String, TorchTensor> readSafetensors(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length < 8) {
            throw new IOException(path + ": truncated .safetensors file (no header length)");
        }
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen <= 0 || 8 + headerLen > bytes.length) {
            throw new IOException(path + ": malformed .safetensors header length " + headerLen);
        }
        JsonNode header;
        try {
            header = Json.MAPPER.readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(path + ": malformed .safetensors JSON header", e);
        }
        int base = 8 + (int) headerLen;
        Map<String, TorchTensor> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = header.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode n = e.getValue();
            String where = path + "[" + e.getKey() + "]";
            TorchTensor.DType dtype = TorchTensor.DType.fromSafetensors(n.path("dtype").asText());
            if (dtype == null) {
                throw new IOException(where + ": unsupported dtype " + n.path("dtype").asText()
                        + "; save float32 tensors");
            }
            long[] shape = new long[n.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = n.path("shape").get(i).asLong();
            }
            long begin = n.path("data_offsets").get(0).asLong();
            long end = n.path("data_offsets").get(1).asLong();
            if (begin < 0 || end < begin || base + end > bytes.length) {
                throw new IOException(where + ": data offsets outside the file (truncated?)");
            }
            byte[] data = new byte[(int) (end - begin)];
            System.arraycopy(bytes, base + (int) begin, data, 0, data.length);
            try {
                out.put(e.getKey(), new TorchTensor(dtype, shape, data));
            } catch (IllegalArgumentException ex) {
                throw new IOException(where + ": " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    private static void writeSafetensors(OutputStream out, Map<String, TorchTensor> tensors)
            throws IOException {
        ObjectNode header = Json.object();
        long offset = 0;
        for (Map.Entry<String, TorchTensor> e : tensors.entrySet()) {
            TorchTensor t = e.getValue();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.dtype().safetensors());
            ArrayNode shape = n.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            ArrayNode offs = n.putArray("data_offsets");
            offs.add(offset);
            offs.add(offset + t.data().length);
            offset += t.data().length;
        }
        byte[] json = Json.MAPPER.writeValueAsBytes(header);
        int pad = (8 - json.length % 8) % 8;
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        len.putLong(json.length + pad);
        out.write(len.array());
        out.write(json);
        out.write(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
        for (TorchTensor t : tensors.values()) {
            out.write(t.data());
        }
    }
}
