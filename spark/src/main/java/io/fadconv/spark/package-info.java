/**
 * Batch CNA on Apache Spark: {@link io.fadconv.spark.SparkBatchEngine} (one task per
 * pair), found by {@code workflow.BatchEngines} through {@code META-INF/services}
 * ({@link io.fadconv.spark.SparkEngineFactory}); {@link io.fadconv.spark.PairTask} runs on the
 * executors, each of which opens the run once ({@link io.fadconv.spark.ExecutorRuns}).
 */
package io.fadconv.spark;
