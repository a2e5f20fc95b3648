package io.fadconv.cli;

import io.fadconv.data.DatasetKind;
import java.util.Iterator;

/**
 * The registered dataset kinds as picocli completion candidates, so that help texts list them
 * ({@code ${COMPLETION-CANDIDATES}}) without naming them here.
 */
final class DatasetKinds implements Iterable<String> {

    @Override
    public Iterator<String> iterator() {
        return DatasetKind.names().iterator();
    }

    /** The kinds with classes of their own ({@code cna --classes}). */
    static final class WithClasses implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return DatasetKind.all().stream().filter(DatasetKind::fixesClasses)
                    .map(DatasetKind::name).iterator();
        }
    }
}
