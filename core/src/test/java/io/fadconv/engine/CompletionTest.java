package io.fadconv.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.fadconv.Djl;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Waiting for a result reads one element, whatever the array: no copy of the whole into Java
 * (which the timers used to charge to every timed run).
 */
class CompletionTest {

    @Test
    void readsOneElementOfAnyArrayWithoutCopyingItIntoJava() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().getId();
        try (NDManager m = Djl.engine().newBaseManager()) {
            NDArray big = m.ones(new Shape(8, 64, 64, 128)); // 16 MB of float32
            Completion.await(big); // loads the classes on the way
            long before = threads.getThreadAllocatedBytes(me);
            Completion.await(big);
            long allocated = threads.getThreadAllocatedBytes(me) - before;
            assertThat(allocated).as("Java bytes allocated to wait for a 16 MB array")
                    .isLessThan(64 * 1024);

            // the shapes and kinds a timer meets: a scalar loss, an empty array, a strided
            // (channels-last) view, float64
            Completion.await(big.sum());
            Completion.await(m.zeros(new Shape(0, 3)));
            Completion.await(EngineConv.channelsLast(m.ones(new Shape(2, 3, 4, 5))));
            Completion.await(m.ones(new Shape(3, 2), DataType.FLOAT64));
        }
    }
}
