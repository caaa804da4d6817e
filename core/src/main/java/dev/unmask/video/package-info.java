/**
 * Video: frames of MP4/H.264 files decoded in pure Java ({@link dev.unmask.video.Mp4FrameSource}, JCodec), one at a
 * time in display order and sampled ({@link dev.unmask.video.FrameSampling}: every n-th frame or f frames per
 * second), and the per-video verdict from frame scores ({@link dev.unmask.video.VideoVerdict}). Scoring the faces of
 * each frame is {@code dev.unmask.VideoScoring}'s, above this package; face tracks are
 * {@link dev.unmask.faces.FaceTracker}'s. Every refusal is a {@link dev.unmask.video.VideoFormatException} naming
 * the file and the problem.
 */
package dev.unmask.video;
