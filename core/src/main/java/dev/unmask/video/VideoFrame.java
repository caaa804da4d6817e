package dev.unmask.video;

import java.awt.image.BufferedImage;

/**
 * One decoded frame of a video.
 *
 * @param index   the frame's place in display order among all frames of the video track, from 0 (frames skipped by
 *                the sampling count too)
 * @param seconds the frame's presentation time in seconds from the start of the track (edit lists are not applied)
 * @param image   the frame as RGB, at the video's displayed size (the coded size less the SPS cropping)
 */
public record VideoFrame(int index, double seconds, BufferedImage image) {
    public VideoFrame {
        if (index < 0 || !Double.isFinite(seconds) || image == null) {
            throw new IllegalArgumentException("a frame needs an index >= 0, a finite time and an image, got " + index
                    + ", " + seconds + ", " + image);
        }
    }
}
