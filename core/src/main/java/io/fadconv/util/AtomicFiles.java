package io.fadconv.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old content or the complete new one, never a
 * half-written file: the bytes go to a temporary file in the same directory, which is flushed to
 * disk and then renamed over the target.
 */
public final class AtomicFiles {

    /** Writes content to a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes everything.
         *
         * @param out the stream (do not close it)
         * @throws IOException on failure
         */
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Writes {@code target} atomically.
     *
     * @param target the final path
     * @param writer what to write
     * @throws IOException on failure, in which case the target is unchanged
     */
    public static void write(Path target, Writer writer) throws IOException {
        try (Pending pending = create(target)) {
            OutputStream out = Channels.newOutputStream(pending.channel());
            OutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
            writer.write(buffered);
            buffered.flush();
            pending.commit();
        }
    }

    /**
     * Starts writing {@code target} through a seekable channel on a temporary file, for writers
     * that must patch earlier bytes (a TIFF's directory offset) or that write over a long time
     * (a scene window by window). Nothing appears at {@code target} until {@link Pending#commit};
     * closing without commit deletes the temporary file.
     *
     * @param target the final path
     * @return the pending file; close it in a try-with-resources block
     * @throws IOException when the temporary file cannot be created
     */
    public static Pending create(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        try {
            // createTempFile makes the file owner-only (0600); results are ordinary files.
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp,
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return new Pending(abs, tmp, ch);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** A file being written: a temporary file and its channel, renamed over the target on commit. */
    public static final class Pending implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final FileChannel channel;
        private boolean committed;

        private Pending(Path target, Path tmp, FileChannel channel) {
            this.target = target;
            this.tmp = tmp;
            this.channel = channel;
        }

        /**
         * The channel on the temporary file (read, write, seek).
         *
         * @return the channel; do not close it
         */
        public FileChannel channel() {
            return channel;
        }

        /**
         * The final path.
         *
         * @return the target
         */
        public Path target() {
            return target;
        }

        /**
         * Forces the bytes to disk, closes the channel and renames the temporary file over the
         * target.
         *
         * @throws IOException on failure, in which case the target is unchanged
         */
        public void commit() throws IOException {
            if (committed) {
                return;
            }
            channel.force(true);
            channel.close();
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        }

        /** Abandons the file unless committed: closes the channel and deletes the temporary file. */
        @Override
        public void close() throws IOException {
            if (!committed) {
                try {
                    channel.close();
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    /**
     * Writes a string atomically, UTF-8.
     *
     * @param target the final path
     * @param text the content
     * @throws IOException on failure
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
