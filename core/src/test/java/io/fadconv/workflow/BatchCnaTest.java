package io.fadconv.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fadconv.infer.CnaFiles;
import io.fadconv.infer.ProgressListener;
import io.fadconv.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch job against its references: each pair's outputs against the single-pair CNA of that
 * pair (itself checked against hand counts in CnaDetectorTest), the summary against sums made
 * here from the pairs' own statistics.json files.
 */
class BatchCnaTest {

    @TempDir static Path tmp;
    static BatchFixture fx;
    static Path out;
    static BatchSummary summary;
    static List<PairResult> events = new ArrayList<>();
    static long[] lastProgress = new long[4];

    @BeforeAll
    static void runTheBatch() throws Exception {
        fx = BatchFixture.write(tmp.resolve("fixture"));
        out = tmp.resolve("out");
        summary = BatchCna.run(fx.job(out), fx.pairs, false, new LocalBatchEngine(),
                new BatchListener() {
                    @Override
                    public void progress(long done, long total, int pairsDone, int pairs) {
                        assertThat(done).isBetween(lastProgress[0], total);
                        lastProgress[0] = done;
                        lastProgress[1] = total;
                        lastProgress[2] = pairsDone;
                        lastProgress[3] = pairs;
                    }

                    @Override
                    public void finished(PairResult r) {
                        events.add(r);
                    }
                });
    }

    static JsonNode json(Path f) throws Exception {
        return Json.MAPPER.readTree(f.toFile());
    }

    @Test
    void eachGoodPairIsExactlyTheSinglePairCnaOfThatPair() throws Exception {
        CnaJob job = fx.job(out);
        try (MappingRun run = MappingRun.open(fx.run, job::predictOptions)) {
            for (PairSpec p : fx.good()) {
                CnaWorkflow.scenes(run, p.beforePath(), p.afterPath(), p.truthPath(),
                        job.cnaOptions(), new CnaFiles(tmp.resolve("single/" + p.id())),
                        ProgressListener.NONE);
            }
        }
        for (PairSpec p : fx.good()) {
            CnaFiles single = new CnaFiles(tmp.resolve("single/" + p.id()));
            CnaFiles batch = new CnaFiles(out.resolve(p.id()));
            for (Path[] f : new Path[][] {{single.change(), batch.change()},
                    {single.beforeClasses(), batch.beforeClasses()},
                    {single.afterClasses(), batch.afterClasses()},
                    {single.statisticsCsv(), batch.statisticsCsv()}}) {
                assertThat(Files.readAllBytes(f[1])).as(p.id() + " " + f[1].getFileName())
                        .isEqualTo(Files.readAllBytes(f[0]));
            }
            assertThat(batch.overlay()).isRegularFile();
            assertThat(batch.beforePreview()).isRegularFile();
            assertThat(batch.afterPreview()).isRegularFile();
            JsonNode s = json(batch.statisticsJson());
            assertThat(s.at("/inputs/beforeClasses").asText())
                    .as("provenance names the published folder, not the staging folder")
                    .isEqualTo(batch.beforeClasses().toString());
        }
    }

    @Test
    void theSummaryAddsThePairsStatisticsByHand() throws Exception {
        assertThat(summary.total().pairs()).isEqualTo(3);
        JsonNode sum = json(out.resolve(BatchSummary.JSON));
        long loss = 0;
        long crop = 0;
        long gain = 0;
        long northLoss = 0;
        double ha = 0;
        for (PairSpec p : fx.good()) {
            JsonNode s = json(new CnaFiles(out.resolve(p.id())).statisticsJson());
            long l = s.at("/croplandLoss/pixels").asLong();
            loss += l;
            crop += s.at("/croplandBefore/pixels").asLong();
            gain += s.at("/croplandGain/pixels").asLong();
            ha += l * 0.8 * 0.8 / 10_000;
            northLoss += p.region().equals("north") ? l : 0;
        }
        assertThat(loss).as("the fixture has cropland loss to count").isPositive();
        assertThat(sum.at("/total/transitions/loss/pixels").asLong()).isEqualTo(loss);
        assertThat(sum.at("/total/transitions/cropland_t1/pixels").asLong()).isEqualTo(crop);
        assertThat(sum.at("/total/transitions/gain/pixels").asLong()).isEqualTo(gain);
        assertThat(sum.at("/total/transitions/loss/hectares").asDouble())
                .isCloseTo(ha, Offset.offset(1e-9));
        assertThat(sum.at("/regions/north/transitions/loss/pixels").asLong()).isEqualTo(northLoss);
        assertThat(sum.at("/regions/north/pairs").asInt()).isEqualTo(2);
        assertThat(sum.at("/regions/south/pairs").asInt()).as("the bad pair is not counted")
                .isEqualTo(1);
        // loss to each class adds up to the loss
        long byClass = 0;
        for (String q : summary.quantities()) {
            if (q.startsWith("loss_to_")) {
                byClass += sum.at("/total/transitions/" + q + "/pixels").asLong();
            }
        }
        assertThat(byClass).isEqualTo(loss);
        assertThat(summary.quantities()).contains("loss_to_built_up", "loss_to_water",
                "loss_to_other_unlabeled", "stable");

        // P/R/F1 only where a truth is given: pair a, by the formulas
        JsonNode e = json(new CnaFiles(out.resolve("a")).statisticsJson()).get("evaluation");
        double tp = e.get("truePositives").asDouble();
        double fp = e.get("falsePositives").asDouble();
        double fn = e.get("falseNegatives").asDouble();
        assertThat(sum.at("/total/evaluation/truthPairs").asInt()).isEqualTo(1);
        assertThat(sum.at("/total/evaluation/f1").asDouble())
                .isCloseTo(2 * tp / (2 * tp + fp + fn), Offset.offset(1e-12));
        assertThat(sum.at("/total/evaluation/precision").asDouble())
                .isCloseTo(tp / (tp + fp), Offset.offset(1e-12));
        assertThat(sum.at("/regions/south/evaluation").isMissingNode()).isTrue();

        List<String> csv = Files.readAllLines(out.resolve(BatchSummary.CSV));
        assertThat(csv).hasSize(1 + 4 + 2 + 1);
        assertThat(csv.get(csv.size() - 1)).startsWith("total,");
        String[] header = csv.get(0).split(",", -1);
        for (String row : csv.subList(1, csv.size())) {
            assertThat(PairList.fields(row, out, 0)).as(row).hasSize(header.length);
        }
        int lossCol = List.of(header).indexOf("loss_pixels");
        assertThat(csv.get(csv.size() - 1).split(",", -1)[lossCol]).isEqualTo("" + loss);
    }

    @Test
    void theBadPairIsReportedWithItsErrorAndNothingOfItIsWritten() throws Exception {
        assertThat(summary.failed()).hasSize(1);
        PairResult bad = summary.failed().get(0);
        assertThat(bad.pair().id()).isEqualTo(BatchFixture.BAD);
        assertThat(bad.error()).contains("s_t2.tif", "origin", "co-registered")
                .doesNotContain("\n");
        assertThat(out.resolve(BatchFixture.BAD)).doesNotExist();
        JsonNode pairs = json(out.resolve(BatchSummary.JSON)).get("pairs");
        assertThat(pairs.get(2).get("status").asText()).isEqualTo("failed");
        assertThat(pairs.get(2).get("error").asText()).isEqualTo(bad.error());
        try (Stream<Path> s = Files.list(out)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("a", "b", "c", "summary.csv", "summary.json");
        }
        assertThat(events).extracting(r -> r.pair().id())
                .containsExactlyInAnyOrder("a", "b", "c", BatchFixture.BAD);
        // pixels of the three pairs mapped; pairs of the whole batch, the refused one counted
        assertThat(lastProgress).containsExactly(6L * BatchFixture.WIDTH * BatchFixture.HEIGHT,
                6L * BatchFixture.WIDTH * BatchFixture.HEIGHT, 4, 4);
    }

    @Test
    void resumeReusesCompletePairsRedoesTheRestAndClearsLeftovers() throws Exception {
        // The first run's folder, as a killed job would leave it after the summary.
        Path again = tmp.resolve("resumed");
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.toList()) {
                Files.copy(p, again.resolve(out.relativize(p).toString()),
                        java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        String first = Files.readString(again.resolve(BatchSummary.CSV));
        // b as a crash leaves it: a staging folder with a half-written map, no b/.
        Path stale = again.resolve(".b.partial");
        Files.createDirectories(stale);
        Files.write(stale.resolve("t1_classes.tif"), new byte[] {1, 2, 3});
        io.fadconv.util.FilePaths.deleteTree(again.resolve("b"));
        // Leftovers of pairs that are reused, so not attempted: a replacement killed midway,
        // and a staging folder named as earlier versions named them.
        Path replaced = Files.createDirectories(again.resolve(".a.old"));
        Path earlier = Files.createDirectories(again.resolve(".c.partial-1234"));
        Path aChange = new CnaFiles(again.resolve("a")).change();
        FileTime before = Files.getLastModifiedTime(aChange);
        Thread.sleep(20);

        BatchSummary resumed = BatchCna.run(fx.job(again), fx.pairs, true,
                new LocalBatchEngine(), BatchListener.NONE);
        assertThat(resumed.results()).extracting(r -> r.status().label())
                .containsExactly("reused", "mapped", "failed", "reused");
        assertThat(Files.getLastModifiedTime(aChange)).as("a was not mapped again")
                .isEqualTo(before);
        assertThat(stale).doesNotExist();
        assertThat(replaced).doesNotExist();
        assertThat(earlier).doesNotExist();
        assertThat(Files.readAllBytes(new CnaFiles(again.resolve("b")).change()))
                .isEqualTo(Files.readAllBytes(new CnaFiles(out.resolve("b")).change()));
        assertThat(Files.readString(again.resolve(BatchSummary.CSV)).replace(",reused,", ",mapped,"))
                .isEqualTo(first);
    }

    @Test
    void statisticsReadBackAreTheStatisticsWritten() throws Exception {
        for (PairResult r : summary.results()) {
            if (r.ok()) {
                PairResult back = PairResult.fromJson(r.toJson(), r.statistics().codes());
                assertThat(back.statistics().toJson()).isEqualTo(r.statistics().toJson());
                assertThat(back.pair()).isEqualTo(r.pair());
                String onDisk = Files.readString(new CnaFiles(out.resolve(r.pair().id()))
                        .statisticsJson());
                assertThat(io.fadconv.infer.AreaStatistics.fromJson(onDisk,
                        r.statistics().codes()).toJson()).isEqualTo(onDisk);
            }
        }
    }
}
