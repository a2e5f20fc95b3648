package io.fadconv.workflow;

import io.fadconv.util.FilePaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The pairs of a batch, from a CSV file or from two folders matched by file name. Errors in the
 * list itself (a missing column, a duplicate id) stop the batch before anything is mapped; a
 * pair whose files are missing or wrong is only reported when it is mapped.
 */
public final class PairList {

    /** Columns a pairs CSV must have. */
    public static final List<String> REQUIRED = List.of("id", "before", "after");
    /** Columns it may have. */
    public static final List<String> OPTIONAL = List.of("region", "truth");

    private PairList() {}

    /**
     * Reads {@code id,before,after[,region][,truth]} (header line first, any column order,
     * fields quoted as in RFC 4180 where they hold commas). Relative paths are relative to the
     * CSV's folder.
     *
     * @param csv the file
     * @return the pairs in file order
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the line and what is wrong
     */
    public static List<PairSpec> fromCsv(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException("--pairs " + csv + (Files.isDirectory(csv)
                    ? ": is a folder, where a CSV file is expected" : ": no such file"));
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        if (first == lines.size()) {
            throw new IllegalArgumentException(csv + " is empty; it needs a header line "
                    + "id,before,after[,region,truth] and one line per pair");
        }
        List<String> header = fields(lines.get(first).replace("\uFEFF", ""), csv, first + 1);
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip().toLowerCase(Locale.ROOT);
            if (!REQUIRED.contains(name) && !OPTIONAL.contains(name)) {
                throw new IllegalArgumentException(csv + ": unknown column '" + header.get(i)
                        + "'; the columns are id,before,after and optionally region,truth");
            }
            if (col.put(name, i) != null) {
                throw new IllegalArgumentException(csv + ": column '" + name + "' twice");
            }
        }
        for (String r : REQUIRED) {
            if (!col.containsKey(r)) {
                throw new IllegalArgumentException(csv + ": no column '" + r + "' in the header "
                        + "line; the columns are id,before,after and optionally region,truth");
            }
        }
        Path base = csv.toAbsolutePath().getParent();
        List<PairSpec> pairs = new ArrayList<>();
        for (int n = first + 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) {
                continue;
            }
            List<String> f = fields(lines.get(n), csv, n + 1);
            if (f.size() != header.size()) {
                throw new IllegalArgumentException(csv + " line " + (n + 1) + ": " + f.size()
                        + " fields, but the header has " + header.size());
            }
            try {
                pairs.add(new PairSpec(get(f, col, "id"), path(base, get(f, col, "before")),
                        path(base, get(f, col, "after")), get(f, col, "region"),
                        path(base, get(f, col, "truth"))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(csv + " line " + (n + 1) + ": "
                        + e.getMessage(), e);
            }
        }
        return checked(pairs, csv.toString());
    }

    /**
     * Pairs the scenes of two folders by file name ({@code *.tif}, {@code *.tiff}): the id is
     * the name without its extension. A name found in only one folder is still a pair, which
     * then fails with "file not found" and is reported with the others.
     *
     * @param beforeDir the t1 scenes
     * @param afterDir the t2 scenes
     * @return the pairs sorted by name
     * @throws IOException when a folder cannot be listed
     */
    public static List<PairSpec> fromFolders(Path beforeDir, Path afterDir) throws IOException {
        for (Path d : List.of(beforeDir, afterDir)) {
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException(d + ": no such folder");
            }
        }
        TreeSet<String> names = new TreeSet<>(tiffs(beforeDir));
        names.addAll(tiffs(afterDir));
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no .tif scenes in " + beforeDir + " or "
                    + afterDir);
        }
        List<PairSpec> pairs = new ArrayList<>();
        for (String name : names) {
            pairs.add(new PairSpec(FilePaths.stem(name),
                    beforeDir.resolve(name).toString(), afterDir.resolve(name).toString(), "",
                    ""));
        }
        return checked(pairs, beforeDir + " and " + afterDir);
    }

    /**
     * The {@code .tif}/{@code .tiff} files of a folder, by name.
     *
     * @param dir the folder
     * @return file names, sorted
     * @throws IOException when the folder cannot be listed
     */
    public static List<String> tiffs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return !n.startsWith(".") && (n.endsWith(".tif") || n.endsWith(".tiff"))
                        && !Files.isDirectory(p);
            }).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<PairSpec> checked(List<PairSpec> pairs, String source) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(source + ": no pairs");
        }
        Map<String, String> seen = new HashMap<>();
        for (PairSpec p : pairs) {
            // Output folders must differ on case-insensitive file systems too.
            String key = p.id().toLowerCase(Locale.ROOT);
            if (seen.put(key, p.id()) != null) {
                throw new IllegalArgumentException(source + ": pair id '" + p.id() + "' is used "
                        + "twice (ids name the output folders; make them unique)");
            }
        }
        return List.copyOf(pairs);
    }

    private static String get(List<String> f, Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        return i == null ? "" : f.get(i).strip();
    }

    private static String path(Path base, String p) {
        return p.isEmpty() ? "" : base.resolve(p).normalize().toString();
    }

    /** Splits one CSV line: commas, with "..." quoting and "" for a quote inside. */
    static List<String> fields(String line, Path csv, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(csv + " line " + lineNo + ": a quote is not "
                    + "closed");
        }
        out.add(cur.toString());
        return out;
    }
}
