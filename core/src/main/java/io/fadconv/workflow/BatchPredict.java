package io.fadconv.workflow;

import io.fadconv.data.Normalization;
import io.fadconv.data.raster.GeoTiffReader;
import io.fadconv.data.raster.RasterReader;
import io.fadconv.infer.ProgressListener;
import io.fadconv.infer.SceneCheck;
import io.fadconv.infer.SceneMapper;
import io.fadconv.util.AtomicFiles;
import io.fadconv.util.Csv;
import io.fadconv.util.ErrorMessages;
import io.fadconv.util.FilePaths;
import io.fadconv.viz.ClassMapImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Class maps of one scene or a folder of scenes ({@code fadconv predict}) with the batch rules:
 * every input is checked before anything is mapped, every good scene is mapped (a scene that
 * fails while it is mapped does not stop the others), and the bad ones are reported with a
 * one-line error each ({@code OUT/summary.csv} for a folder).
 */
public final class BatchPredict {

    /** The summary of a folder, in the output folder. */
    public static final String SUMMARY = "summary.csv";

    private BatchPredict() {}

    /**
     * A scene and the class map to write.
     *
     * @param scene the scene
     * @param classMap the class map GeoTIFF
     */
    public record Scene(Path scene, Path classMap) {}

    /**
     * What became of a scene.
     *
     * @param job the scene
     * @param result the mapping, null when it failed
     * @param preview the PNG preview written, or null
     * @param error the one-line error, "" when mapped
     */
    public record Outcome(Scene job, SceneMapper.Result result, Path preview, String error) {
        /** @return true when mapped */
        public boolean ok() {
            return result != null;
        }
    }

    /**
     * The scenes of {@code --in} and their class maps under {@code --out}: a folder of
     * {@code .tif}/{@code .tiff} scenes into a folder, or one scene into a {@code .tif} file (or
     * an existing folder).
     *
     * @param in a scene or a folder
     * @param out a class map file or a folder
     * @return the scenes, sorted by name
     * @throws IOException when a folder cannot be listed or created
     * @throws IllegalArgumentException when the arguments do not fit together
     */
    public static List<Scene> scenes(Path in, Path out) throws IOException {
        List<Scene> jobs = new ArrayList<>();
        if (Files.isDirectory(in)) {
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new IllegalArgumentException("--in " + in + " is a folder, so --out must be "
                        + "a folder too, but " + out + " is a file");
            }
            if (out.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("--out must be another folder than --in (the "
                        + "class maps would overwrite the scenes)");
            }
            for (String n : PairList.tiffs(in)) {
                jobs.add(new Scene(in.resolve(n), out.resolve(FilePaths.stem(n) + ".tif")));
            }
            if (jobs.isEmpty()) {
                throw new IllegalArgumentException(in + ": no .tif scenes in this folder");
            }
            Files.createDirectories(out);
            return jobs;
        }
        if (!Files.isRegularFile(in)) {
            throw new IllegalArgumentException("--in " + in + ": no such file or folder");
        }
        Path target = Files.isDirectory(out) ? out.resolve(in.getFileName()) : out;
        String n = target.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!n.endsWith(".tif") && !n.endsWith(".tiff")) {
            throw new IllegalArgumentException("--out " + out + " must be a .tif file (or an "
                    + "existing folder)");
        }
        if (target.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out " + out + " would overwrite the scene");
        }
        jobs.add(new Scene(in, target));
        return jobs;
    }

    /**
     * Checks every scene, then maps the good ones, reading each scene's header once: a single
     * scene is mapped through the file its check opened; a folder's scenes are all checked
     * first, their headers kept and handed to the mapping ({@link GeoTiffReader.Header}).
     *
     * @param run the opened run
     * @param scenes the scenes
     * @param previews also write NAME.png beside each class map
     * @param progress window progress of each scene
     * @param finished told about each scene when it is done or found bad
     * @param inputCheck a further check of each scene before anything is mapped (the scene's
     *     statistics against the run's normalisation); a scene it refuses is reported bad
     * @return one outcome per scene, in order
     */
    public static List<Outcome> run(MappingRun run, List<Scene> scenes, boolean previews,
            ProgressListener progress, Consumer<Outcome> finished,
            SceneCheck.Further inputCheck) {
        Normalization norm = run.trained().normalization();
        boolean one = scenes.size() == 1;
        Outcome[] out = new Outcome[scenes.size()];
        GeoTiffReader.Header[] checked = new GeoTiffReader.Header[scenes.size()];
        if (!one) {
            // all checked before any is mapped: bad scenes are reported at once (the files are
            // closed meanwhile: a folder may hold more scenes than a process may open files)
            for (int i = 0; i < scenes.size(); i++) {
                try (GeoTiffReader r = SceneCheck.open(scenes.get(i).scene(), norm, inputCheck)) {
                    checked[i] = r.header();
                } catch (IOException | IllegalArgumentException e) {
                    out[i] = new Outcome(scenes.get(i), null, null, ErrorMessages.oneLine(e));
                    finished.accept(out[i]);
                }
            }
        }
        SceneMapper mapper = run.mapper();
        for (int i = 0; i < scenes.size(); i++) {
            if (out[i] != null) {
                continue;
            }
            Scene s = scenes.get(i);
            try (RasterReader in = one ? SceneCheck.open(s.scene(), norm, inputCheck)
                    : GeoTiffReader.open(checked[i])) {
                SceneMapper.Result r = mapper.map(in, s.classMap(), progress);
                Path png = null;
                if (previews) {
                    png = preview(s.classMap());
                    ClassMapImages.preview(s.classMap(), run.info().classes(),
                            s.classMap().getFileName() + " (" + run.modelName() + ")", png);
                }
                out[i] = new Outcome(s, r, png, "");
            } catch (IOException | RuntimeException e) {
                out[i] = new Outcome(s, null, null, ErrorMessages.oneLine(e));
            }
            finished.accept(out[i]);
        }
        return List.of(out);
    }

    /**
     * The preview beside a class map: NAME.png.
     *
     * @param tif the class map
     * @return the PNG path
     */
    public static Path preview(Path tif) {
        return FilePaths.withExtension(tif, ".png");
    }

    /**
     * Writes {@code scene,class_map,status,error,width,height,seconds} for every scene.
     *
     * @param csv the file
     * @param outcomes the outcomes
     * @throws IOException on failure
     */
    public static void saveSummary(Path csv, List<Outcome> outcomes) throws IOException {
        StringBuilder sb = new StringBuilder("scene,class_map,status,error,width,height,seconds\n");
        for (Outcome o : outcomes) {
            sb.append(Csv.field(o.job().scene().toString())).append(',')
                    .append(o.ok() ? Csv.field(o.job().classMap().toString()) : "").append(',')
                    .append(o.ok() ? "mapped" : "failed").append(',').append(Csv.field(o.error()))
                    .append(',');
            if (o.ok()) {
                sb.append(o.result().width()).append(',').append(o.result().height()).append(',')
                        .append(String.format(Locale.ROOT, "%.2f", o.result().seconds()));
            } else {
                sb.append(",,");
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(csv, sb.toString());
    }
}
