/**
 * Data: images as CHW float arrays in [-1, 1] ({@link dev.unmask.data.FloatImage}), the procedural face
 * generator with exactly masked manipulations ({@link dev.unmask.data.SynthFaces}), seeded transforms
 * ({@link dev.unmask.data.Transforms}, {@link dev.unmask.data.TransformPipeline}), image folders with guarded
 * decoding ({@link dev.unmask.data.ImageFolder}, {@link dev.unmask.data.ImageFiles}), and loading
 * ({@link dev.unmask.data.DataLoader} over a {@link dev.unmask.data.Dataset}, {@link dev.unmask.data.PackedCache}).
 * Every random choice is keyed by (seed, index) or (seed, epoch, index), never by thread scheduling.
 */
package dev.unmask.data;
