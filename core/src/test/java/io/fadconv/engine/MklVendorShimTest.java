package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared object written by Java: the dynamic loader takes it, and its function answers 1. */
class MklVendorShimTest {

    @Test
    void theDynamicLoaderTakesTheWrittenObjectAndItsFunctionAnswersOne(@TempDir Path dir) {
        Path file = dir.resolve(MklVendorShim.FILE_NAME);
        MklVendorShim.write(file, MklVendorShim.sharedObject());
        NativeLibrary lib = NativeLibrary.getInstance(file.toString());
        try {
            assertThat(lib.getFunction("mkl_serv_intel_cpu_true").invokeInt(new Object[0]))
                    .isEqualTo(1);
        } finally {
            lib.close();
        }
    }
}
