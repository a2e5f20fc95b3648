package io.fadconv.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the pairs of a batch: columns, quoting, relative paths, and errors in one line. */
class PairListTest {

    @TempDir Path tmp;

    Path csv(String text) throws Exception {
        return Files.writeString(tmp.resolve("pairs.csv"), text);
    }

    @Test
    void columnsInAnyOrderQuotedFieldsAndPathsRelativeToTheCsv() throws Exception {
        Path f = csv("\uFEFFregion,after,id,before,truth\n"
                + "\"north, upper\",t2/a.tif,a,t1/a.tif,\n"
                + "\n"
                + "south,/abs/b2.tif,b-2.x,\"t1/b \"\"1\"\".tif\",truth/b.tif\n");
        List<PairSpec> p = PairList.fromCsv(f);
        assertThat(p).containsExactly(
                new PairSpec("a", tmp.resolve("t1/a.tif").toString(),
                        tmp.resolve("t2/a.tif").toString(), "north, upper", ""),
                new PairSpec("b-2.x", tmp.resolve("t1/b \"1\".tif").toString(), "/abs/b2.tif",
                        "south", tmp.resolve("truth/b.tif").toString()));
        assertThat(p.get(0).truthPath()).isEmpty();
        assertThat(p.get(1).truthPath()).contains(tmp.resolve("truth/b.tif"));
    }

    @Test
    void errorsNameTheFileTheLineAndTheFix() throws Exception {
        assertThatThrownBy(() -> PairList.fromCsv(csv("id,before\na,x.tif\n")))
                .hasMessageContaining("no column 'after'");
        assertThatThrownBy(() -> PairList.fromCsv(csv("id,before,after,date\n")))
                .hasMessageContaining("unknown column 'date'");
        assertThatThrownBy(() -> PairList.fromCsv(csv("id,before,after\na,x.tif\n")))
                .hasMessageContaining("line 2: 2 fields, but the header has 3");
        assertThatThrownBy(() -> PairList.fromCsv(csv("id,before,after\n../a,x.tif,y.tif\n")))
                .hasMessageContaining("line 2: pair id '../a' cannot name a folder");
        assertThatThrownBy(() -> PairList.fromCsv(csv("id,before,after\nsummary.csv,x,y\n")))
                .hasMessageContaining("cannot name a folder");
        assertThatThrownBy(() -> PairList.fromCsv(csv("id,before,after\nA,x,y\na,z,w\n")))
                .hasMessageContaining("pair id 'a' is used twice");
        assertThatThrownBy(() -> PairList.fromCsv(csv("id,before,after\n")))
                .hasMessageContaining("no pairs");
        assertThatThrownBy(() -> PairList.fromCsv(csv("id,before,after\na,\"x,y\n")))
                .hasMessageContaining("line 2: a quote is not closed");
        assertThatThrownBy(() -> PairList.fromCsv(tmp.resolve("missing.csv")))
                .hasMessageContaining("no such file");
    }

    @Test
    void twoFoldersArePairedByFileName() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("t1"));
        Path b = Files.createDirectories(tmp.resolve("t2"));
        for (String n : List.of("x.tif", "y.TIFF", "notes.txt")) {
            Files.writeString(a.resolve(n), "");
        }
        Files.writeString(b.resolve("x.tif"), "");
        Files.writeString(b.resolve("z.tif"), "");
        List<PairSpec> p = PairList.fromFolders(a, b);
        assertThat(p).extracting(PairSpec::id).containsExactly("x", "y", "z");
        assertThat(p.get(1).after()).isEqualTo(b.resolve("y.TIFF").toString());
        assertThat(p.get(2).before()).as("a name in one folder only still makes a pair, which "
                + "fails as 'no such file'").isEqualTo(a.resolve("z.tif").toString());
    }
}
