/**
 * JMH micro-benchmarks, run by {@code fadconv bench jmh}.
 */
package io.fadconv.bench.jmh;
