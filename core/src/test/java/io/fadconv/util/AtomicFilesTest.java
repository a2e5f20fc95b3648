package io.fadconv.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir Path dir;

    @Test
    void aFailedWriteLeavesTheOldContentAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("table.md");
        AtomicFiles.writeString(target, "old\n");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readString(target)).isEqualTo("old\n");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void anUncommittedPendingFileNeverAppears() throws IOException {
        Path target = dir.resolve("map.tif");
        try (AtomicFiles.Pending p = AtomicFiles.create(target)) {
            p.channel().write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void writtenFilesAreReadableByOthersLikeAnyOutput() throws IOException {
        Path target = dir.resolve("stats.csv");
        AtomicFiles.writeString(target, "a,b\n");
        assertThat(Files.readString(target)).isEqualTo("a,b\n");
        if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                    .isEqualTo("rw-r--r--");
        }
    }
}
