package io.fadconv.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The shared object {@link MklDispatch} loads: an x86-64 ELF file that defines
 * {@code mkl_serv_intel_cpu_true}, MKL's vendor test, as a function returning 1, written by Java
 * so that no C compiler is needed.
 */
final class MklVendorShim {

    /** The file name the shared object is written under. */
    static final String FILE_NAME = "libfadconv-mkl-intel.so";

    private static final String SYMBOL = "mkl_serv_intel_cpu_true";
    private static final byte[] RETURN_ONE = {(byte) 0xb8, 1, 0, 0, 0, (byte) 0xc3}; // mov eax,1; ret

    private static final int PAGE = 0x1000;
    private static final int HEADER = 64;
    private static final int PROGRAM_HEADER = 56;
    private static final int PROGRAM_HEADERS = 4;
    private static final int SYMBOL_SIZE = 24;

    private MklVendorShim() {}

    /**
     * The shared object's file: the machine cache directory's (written when missing or
     * different), or a temporary one where that cannot be written.
     *
     * @return the file
     */
    static Path file() {
        byte[] bytes = sharedObject();
        Path dir = MachineFile.directory();
        if (dir != null) {
            Path f = dir.resolve(FILE_NAME);
            try {
                if (!Files.isRegularFile(f) || !Arrays.equals(Files.readAllBytes(f), bytes)) {
                    write(f, bytes);
                }
                return f;
            } catch (IOException | UncheckedIOException e) {
                // a directory we cannot write: a file of this process's own
            }
        }
        try {
            Path tmp = Files.createTempDirectory("fadconv-mkl");
            tmp.toFile().deleteOnExit(); // deleted in reverse order: the file, then its folder
            Path f = tmp.resolve(FILE_NAME);
            write(f, bytes);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An x86-64 ELF shared object that defines {@code mkl_serv_intel_cpu_true} as a function
     * returning 1, and nothing else. Two loadable segments (code and symbols read-only and
     * executable; the dynamic section writable, as the loader relocates it in place), a
     * non-executable stack, and the SysV hash table the loader looks symbols up in.
     *
     * @return the file's bytes
     */
    static byte[] sharedObject() {
        byte[] names = ("\0" + SYMBOL + "\0" + FILE_NAME + "\0").getBytes(StandardCharsets.US_ASCII);
        int symbolName = 1;
        int soname = 1 + SYMBOL.length() + 1;
        int hash = HEADER + PROGRAM_HEADERS * PROGRAM_HEADER;
        int hashSize = 4 * (2 + 1 + 2); // nbucket=1, nchain=2, one bucket, two chain entries
        int symbols = align(hash + hashSize, 8);
        int strings = symbols + 2 * SYMBOL_SIZE;
        int code = align(strings + names.length, 16);
        int codeEnd = code + RETURN_ONE.length;
        int dynamic = PAGE; // its own page, so the code's page stays read-only
        long[][] entries = {
            {4, hash}, {5, strings}, {6, symbols}, {10, names.length}, {11, SYMBOL_SIZE},
            {14, soname}, {0, 0}};
        int dynamicSize = entries.length * 16;

        ByteBuffer b = ByteBuffer.allocate(dynamic + dynamicSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]); // 64-bit, LE, v1
        b.putShort((short) 3).putShort((short) 62).putInt(1); // ET_DYN, x86-64, version
        b.putLong(0).putLong(HEADER).putLong(0).putInt(0); // entry, phoff, shoff, flags
        b.putShort((short) HEADER).putShort((short) PROGRAM_HEADER)
                .putShort((short) PROGRAM_HEADERS)
                .putShort((short) 64).putShort((short) 0).putShort((short) 0); // no sections
        programHeader(b, 1, 5, 0, codeEnd, PAGE); // PT_LOAD, R+X
        programHeader(b, 1, 6, dynamic, dynamicSize, PAGE); // PT_LOAD, R+W
        programHeader(b, 2, 6, dynamic, dynamicSize, 8); // PT_DYNAMIC
        programHeader(b, 0x6474e551, 6, 0, 0, 16); // PT_GNU_STACK, not executable

        b.position(hash);
        b.putInt(1).putInt(2).putInt(1).putInt(0).putInt(0); // bucket -> symbol 1, end of chain
        b.position(symbols + SYMBOL_SIZE); // symbol 0 stays null
        b.putInt(symbolName).put((byte) 0x12).put((byte) 0).putShort((short) 1) // global function
                .putLong(code).putLong(RETURN_ONE.length);
        b.position(strings);
        b.put(names);
        b.position(code);
        b.put(RETURN_ONE);
        b.position(dynamic);
        for (long[] e : entries) {
            b.putLong(e[0]).putLong(e[1]);
        }
        return b.array();
    }

    private static void programHeader(ByteBuffer b, int type, int flags, long at, long size,
            long align) {
        b.putInt(type).putInt(flags).putLong(at).putLong(at).putLong(at).putLong(size)
                .putLong(size).putLong(align);
    }

    private static int align(int n, int to) {
        return (n + to - 1) / to * to;
    }

    /**
     * Writes a shared object's bytes to a file, through a temporary file renamed into place.
     *
     * @param file where
     * @param bytes {@link #sharedObject()}
     */
    static void write(Path file, byte[] bytes) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, FILE_NAME, ".tmp");
            Files.write(tmp, bytes);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
