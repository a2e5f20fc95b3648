/**
 * What every package may use, depending on nothing in the project:
 * {@link io.fadconv.util.AtomicFiles} (every file is written through it),
 * {@link io.fadconv.util.Json} (the one JSON mapper), {@link io.fadconv.util.Csv} (CSV fields),
 * {@link io.fadconv.util.FilePaths} (stems, input checks), {@link io.fadconv.util.OutputFolder}
 * (a failed command leaves nothing behind), {@link io.fadconv.util.ErrorMessages} (the one line
 * a user reads).
 */
package io.fadconv.util;
