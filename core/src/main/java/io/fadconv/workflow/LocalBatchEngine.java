package io.fadconv.workflow;

import io.fadconv.infer.ProgressListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Maps the pairs one after another in this JVM, with the run opened once. */
public final class LocalBatchEngine implements BatchEngine {

    @Override
    public List<PairResult> run(CnaJob job, List<PairSpec> pairs, long[] pixels,
            BatchListener listener) throws IOException {
        List<PairResult> out = new ArrayList<>();
        long total = 0;
        for (long p : pixels) {
            total += p;
        }
        if (pairs.isEmpty()) {
            return out;
        }
        try (MappingRun run = MappingRun.open(job.runDir(), job::predictOptions)) {
            long done = 0;
            for (int i = 0; i < pairs.size(); i++) {
                long base = done;
                long all = total;
                int k = i;
                ProgressListener inner = PairProgress.of(pixels[i] / 2, px ->
                        listener.progress(base + px, all, k, pairs.size()));
                PairResult r = PairRunner.process(run, job, pairs.get(i), inner, false);
                done += pixels[i];
                out.add(r);
                listener.progress(done, total, i + 1, pairs.size());
                listener.finished(r);
            }
        }
        return out;
    }
}
