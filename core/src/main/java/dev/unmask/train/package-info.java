/**
 * Training: a generic loop ({@link dev.unmask.train.Trainer}) over any {@link dev.unmask.nn.Module},
 * optimizer and {@link dev.unmask.train.BatchSource} (the data pipeline's loader through
 * {@link dev.unmask.train.LoaderBatches}); checkpoints holding everything needed to resume
 * exactly ({@link dev.unmask.train.Checkpoint}, {@link dev.unmask.train.CheckpointStore}); a generator
 * whose state is one long ({@link dev.unmask.train.SplitMix64}); and the single-thread reference mode
 * under which a resumed run is bit-identical to an uninterrupted one
 * ({@link dev.unmask.train.DeterministicMode}).
 */
package dev.unmask.train;
