package io.fadconv.spark;

import io.fadconv.engine.NativeMemory;
import io.fadconv.infer.ChangeCodes;
import io.fadconv.run.RunFolder;
import io.fadconv.run.RunInfo;
import io.fadconv.workflow.BatchEngine;
import io.fadconv.workflow.BatchListener;
import io.fadconv.workflow.CnaJob;
import io.fadconv.workflow.PairResult;
import io.fadconv.workflow.PairSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * Maps the pairs of a batch on Apache Spark: the pairs are a {@code Dataset<PairSpec>} with one
 * partition, so one task, per pair; each task maps its pair on an executor with the run that
 * executor JVM opened once ({@link ExecutorRuns}) and writes {@code OUT/id/} through a staging
 * folder ({@link io.fadconv.workflow.PairRunner}); the driver collects the results.
 */
public final class SparkBatchEngine implements BatchEngine {

    /** The master spark-submit set: {@code --spark submit}. */
    public static final String FROM_SUBMIT = "submit";

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[([0-9]+|\\*)(?:,([0-9]+))?\\])?");

    private final String master;
    private final PairTask.Hook hook;

    /**
     * An engine.
     *
     * @param master a Spark master URL, or {@value #FROM_SUBMIT} (or empty) for the one
     *     spark-submit set
     * @throws IllegalArgumentException for {@value #FROM_SUBMIT} in a JVM spark-submit did not
     *     start (checked before anything is mapped or written)
     */
    public SparkBatchEngine(String master) {
        this(master, PairTask.Hook.NONE);
    }

    SparkBatchEngine(String master, PairTask.Hook hook) {
        this.master = master == null || master.isBlank() || master.equals(FROM_SUBMIT) ? ""
                : master.strip();
        if (this.master.isEmpty() && System.getProperty("spark.master") == null) {
            throw new IllegalArgumentException("--spark submit takes the master from "
                    + "spark-submit, but this JVM was not started by spark-submit; give a master "
                    + "such as local[2]");
        }
        this.hook = hook;
    }

    @Override
    public List<PairResult> run(CnaJob job, List<PairSpec> pairs, long[] pixels,
            BatchListener listener) throws IOException {
        if (pairs.isEmpty()) {
            return List.of();
        }
        ChangeCodes codes = new ChangeCodes(RunInfo.load(new RunFolder(job.runDir()).info())
                .classes());
        SparkSession.Builder b = SparkSession.builder().appName("fadconv cna");
        if (!master.isEmpty()) {
            b.master(master);
        }
        if (master.startsWith("local")) {
            b.config("spark.ui.enabled", "false");
        }
        String executorMemory = "spark.executorEnv." + NativeMemory.VARIABLE;
        if (System.getProperty(executorMemory) == null) {
            // executors allocate tensors every window as the launcher's JVM does (NativeMemory)
            b.config(executorMemory, NativeMemory.TUNABLES);
        }
        SparkSession spark = b.getOrCreate();
        long total = 0;
        for (long p : pixels) {
            total += p;
        }
        Progress progress = new Progress(pixels, total, listener);
        try {
            spark.sparkContext().addSparkListener(progress);
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<PairSpec> rdd = jsc.parallelize(pairs, pairs.size());
            Dataset<PairSpec> ds = spark.createDataset(rdd.rdd(),
                    Encoders.javaSerialization(PairSpec.class));
            List<String> json = ds.map(new PairTask(job, maxAttempts(spark), hook),
                    Encoders.STRING()).collectAsList();
            List<PairResult> out = new ArrayList<>();
            for (String j : json) {
                PairResult r = PairResult.fromJson(j, codes);
                out.add(r);
                listener.finished(r);
            }
            return out;
        } finally {
            spark.sparkContext().removeSparkListener(progress);
            spark.stop();
        }
    }

    /** Attempts Spark makes at a task: local[N,F] gives F (local[N]: 1), else spark.task.maxFailures. */
    private int maxAttempts(SparkSession spark) {
        String m = spark.sparkContext().master();
        Matcher l = LOCAL.matcher(m);
        if (l.matches()) {
            return l.group(2) == null ? 1 : Integer.parseInt(l.group(2));
        }
        return spark.sparkContext().getConf().getInt("spark.task.maxFailures", 4);
    }

    /** Pairs and megapixels done, from the tasks that finished (on the driver). */
    private static final class Progress extends SparkListener {
        private final long[] pixels;
        private final long total;
        private final BatchListener listener;
        private long done;
        private int pairsDone;

        Progress(long[] pixels, long total, BatchListener listener) {
            this.pixels = pixels;
            this.total = total;
            this.listener = listener;
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskInfo().successful() && end.taskInfo().index() < pixels.length) {
                done += pixels[end.taskInfo().index()];
                pairsDone++;
                listener.progress(done, total, pairsDone, pixels.length);
            }
        }
    }
}
