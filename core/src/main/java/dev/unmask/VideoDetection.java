package dev.unmask;

import dev.unmask.video.VideoInfo;
import dev.unmask.video.VideoVerdict;

import java.util.List;

/**
 * What {@link Detector#detectVideo} says about a video: the faces of every sampled frame and the video's verdict.
 *
 * @param info    the video's size, frame count and format
 * @param frames  the sampled frames in display order, with or without faces
 * @param verdict the frames' scores together ({@link VideoVerdict})
 */
public record VideoDetection(VideoInfo info, List<FrameDetections> frames, VideoVerdict verdict) {
    public VideoDetection {
        frames = List.copyOf(frames);
    }
}
