package dev.unmask;

import dev.unmask.faces.FaceTracker;
import dev.unmask.video.FrameSampling;
import dev.unmask.video.Mp4FrameSource;

/**
 * How {@link VideoScoring} reads and scores a video. {@link #defaults()}: every frame, the default face finding
 * ({@link FaceFinding#defaults()}), default detection options, frames of at most
 * {@link Mp4FrameSource#DEFAULT_MAX_FRAME_PIXELS} pixels, tracks linked at IoU {@value FaceTracker#DEFAULT_MIN_IOU}.
 *
 * @param sampling       which frames are scored
 * @param finding        how faces are found and cropped in each frame
 * @param detection      per-call detection options (heat-maps are not made for video frames)
 * @param maxFramePixels largest frame decoded
 * @param trackMinIou    least box overlap that links a face to the track of an earlier frame ({@link FaceTracker})
 */
public record VideoOptions(FrameSampling sampling, FaceFinding finding, DetectionOptions detection, long maxFramePixels,
                           double trackMinIou) {
    public VideoOptions {
        if (sampling == null || finding == null || detection == null || maxFramePixels <= 0
                || !(trackMinIou > 0 && trackMinIou <= 1)) {
            throw new IllegalArgumentException("video options need a sampling, face finding, detection options, a "
                    + "positive pixel limit and a track IoU in (0, 1], got " + sampling + ", " + finding + ", "
                    + detection + ", " + maxFramePixels + ", " + trackMinIou);
        }
        if (detection.heatMap()) {
            throw new IllegalArgumentException("heat-maps are not made for video frames");
        }
    }

    public static VideoOptions defaults() {
        return new VideoOptions(FrameSampling.everyFrame(), FaceFinding.defaults(), DetectionOptions.DEFAULTS,
                Mp4FrameSource.DEFAULT_MAX_FRAME_PIXELS, FaceTracker.DEFAULT_MIN_IOU);
    }

    public VideoOptions withSampling(FrameSampling value) {
        return new VideoOptions(value, finding, detection, maxFramePixels, trackMinIou);
    }

    public VideoOptions withFinding(FaceFinding value) {
        return new VideoOptions(sampling, value, detection, maxFramePixels, trackMinIou);
    }

    public VideoOptions withDetection(DetectionOptions value) {
        return new VideoOptions(sampling, finding, value, maxFramePixels, trackMinIou);
    }

    public VideoOptions withMaxFramePixels(long value) {
        return new VideoOptions(sampling, finding, detection, value, trackMinIou);
    }
}
