package io.fadconv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md maps every room: each package of every module is named there and has a
 * {@code package-info.java}, and each class of {@code core} is named there. A new package or core
 * class fails this test until the page says where it belongs.
 */
class DesignMapTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final List<String> MODULES = List.of("core", "cli", "bench", "spark");

    static String design() throws IOException {
        return Files.readString(ROOT.resolve("DESIGN.md"));
    }

    /** Package name -> its folder, for every folder of main sources that holds a class. */
    static List<Path> packageFolders() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String m : MODULES) {
            Path src = ROOT.resolve(m).resolve("src/main/java");
            assertThat(src).as("module %s", m).isDirectory();
            try (Stream<Path> s = Files.walk(src)) {
                s.filter(Files::isDirectory).filter(DesignMapTest::holdsClasses).forEach(out::add);
            }
        }
        return out;
    }

    static boolean holdsClasses(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.toString().endsWith(".java")
                    && !p.getFileName().toString().equals("package-info.java"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String packageName(Path dir) {
        Path src = ROOT;
        for (String m : MODULES) {
            Path s = ROOT.resolve(m).resolve("src/main/java");
            if (dir.startsWith(s)) {
                src = s;
            }
        }
        return src.relativize(dir).toString().replace('/', '.');
    }

    /**
     * Whether the page names a package: {@code io.fadconv.x.y} anywhere, or, for a package of
     * core, {@code x.y} (or {@code (root)}) starting a line of the package map.
     */
    static boolean named(String design, String pkg) {
        if (design.contains("`" + pkg + "`")) {
            return true;
        }
        String rel = pkg.equals("io.fadconv") ? "(root)" : pkg.substring("io.fadconv.".length());
        return Pattern.compile("(?m)^" + Pattern.quote(rel) + "\\s{2,}\\S").matcher(design)
                .find();
    }

    @Test
    void everyPackageIsNamedAndSaysWhatLivesThere() throws IOException {
        String design = design();
        List<Path> dirs = packageFolders();
        assertThat(dirs).hasSizeGreaterThanOrEqualTo(20);
        TreeSet<String> missing = new TreeSet<>();
        TreeSet<String> undocumented = new TreeSet<>();
        for (Path d : dirs) {
            String pkg = packageName(d);
            if (!named(design, pkg)) {
                missing.add(pkg);
            }
            if (!Files.isRegularFile(d.resolve("package-info.java"))) {
                undocumented.add(pkg);
            }
        }
        assertThat(missing).as("packages DESIGN.md does not name").isEmpty();
        assertThat(undocumented).as("packages without package-info.java").isEmpty();
    }

    @Test
    void everyCoreClassIsNamed() throws IOException {
        String design = design();
        TreeSet<String> missing = new TreeSet<>();
        try (Stream<Path> s = Files.walk(ROOT.resolve("core/src/main/java"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = p.getFileName().toString().replace(".java", "");
                if (!name.equals("package-info")
                        && !Pattern.compile("\\b" + name + "\\b").matcher(design).find()) {
                    missing.add(name);
                }
            }
        }
        assertThat(missing).as("core classes DESIGN.md does not name").isEmpty();
    }

    @Test
    void theCheckSeesAPackageThePageDoesNotName() {
        assertThat(named("engine         EngineSetup", "io.fadconv.engine")).isTrue();
        assertThat(named("(root)         Djl", "io.fadconv")).isTrue();
        assertThat(named("package `io.fadconv.cli`", "io.fadconv.cli")).isTrue();
        assertThat(named("engine         EngineSetup", "io.fadconv.engines")).isFalse();
        assertThat(named("uses the engine  a lot", "io.fadconv.engine")).isFalse();
    }
}
