/**
 * GeoTIFF (and PNG) reading and writing, GDAL being the reference:
 * {@link io.fadconv.data.raster.GeoTiffReader} (classic and BigTIFF, strips or tiles, windows,
 * the compressions of {@link io.fadconv.data.raster.Compression}),
 * {@link io.fadconv.data.raster.GeoTiffWriter} (streaming, tiled, BigTIFF past 4 GiB),
 * {@link io.fadconv.data.raster.RasterReader} over both formats, and the georeferencing
 * ({@link io.fadconv.data.raster.GeoReference},
 * {@link io.fadconv.data.raster.CoordinateSystem}). See docs/geotiff-choice.md.
 */
package io.fadconv.data.raster;
