package dev.unmask;

import dev.unmask.faces.FaceBox;
import dev.unmask.faces.FaceTracker;
import dev.unmask.video.FrameSource;
import dev.unmask.video.Mp4FrameSource;
import dev.unmask.video.VideoFormatException;
import dev.unmask.video.VideoFrame;
import dev.unmask.video.VideoInfo;
import dev.unmask.video.VideoVerdict;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores the faces of a video's sampled frames with a {@link Detector} and brings them together: per frame every
 * face is found and scored ({@link Detector#detectFaces}), linked to the face's track ({@link FaceTracker}); the
 * frame's score is its most suspicious face's; the video's verdict is {@link VideoVerdict}'s (mean of the frame
 * scores, beside it the share of frames judged fake). Frames are decoded one at a time
 * ({@link Mp4FrameSource}), so memory does not grow with the video's length when frames go to a {@link Listener}.
 */
public final class VideoScoring {
    private final Detector detector;
    private final VideoOptions options;

    /** Receives a video's frames as they are scored. */
    public interface Listener {
        /** Called once, before the first frame, with what the video's header says. */
        default void opened(VideoInfo info) {
        }

        /** Called for each sampled frame, in display order, with or without faces. */
        void frame(FrameDetections frame);
    }

    public VideoScoring(Detector detector, VideoOptions options) {
        if (detector == null || options == null) {
            throw new IllegalArgumentException("video scoring needs a detector and options");
        }
        this.detector = detector;
        this.options = options;
    }

    /**
     * Every sampled frame's faces and the verdict, kept in memory (a few hundred bytes a face).
     *
     * @throws VideoFormatException naming the file when it cannot be decoded ({@link Mp4FrameSource#open})
     */
    public VideoDetection score(Path video) throws IOException {
        List<FrameDetections> frames = new ArrayList<>();
        VideoInfo[] info = new VideoInfo[1];
        VideoVerdict verdict = score(video, new Listener() {
            @Override
            public void opened(VideoInfo i) {
                info[0] = i;
            }

            @Override
            public void frame(FrameDetections frame) {
                frames.add(frame);
            }
        });
        return new VideoDetection(info[0], frames, verdict);
    }

    /** Decodes {@code video} and streams its frames to {@code listener}; the verdict at the end. */
    public VideoVerdict score(Path video, Listener listener) throws IOException {
        try (FrameSource frames = Mp4FrameSource.open(video, options.sampling(), options.maxFramePixels())) {
            return score(frames, listener);
        }
    }

    /** Scores the frames of {@code frames} (read to its end, not closed) and streams them to {@code listener}. */
    public VideoVerdict score(FrameSource frames, Listener listener) throws IOException {
        listener.opened(frames.info());
        FaceTracker tracker = new FaceTracker(options.trackMinIou(), FaceTracker.DEFAULT_MAX_MISSED_FRAMES);
        List<Double> scores = new ArrayList<>();
        List<Boolean> fakes = new ArrayList<>();
        int sampled = 0;
        for (VideoFrame f = frames.next(); f != null; f = frames.next()) {
            sampled++;
            List<Detection> faces = new ArrayList<>();
            List<FaceBox> boxes = new ArrayList<>();
            for (Detection d : detector.detectFaces(f.image(), options.finding(), options.detection())) {
                faces.add(d.at(d.box(), f.index()));
                boxes.add(d.box());
            }
            List<Integer> tracks = new ArrayList<>();
            for (int id : tracker.next(boxes)) {
                tracks.add(id);
            }
            FrameDetections frame = new FrameDetections(f.index(), f.seconds(), faces, tracks);
            frame.mostSuspicious().ifPresent(d -> {
                scores.add(d.normalisedScore());
                fakes.add(d.fake());
            });
            listener.frame(frame);
        }
        double[] s = new double[scores.size()];
        boolean[] k = new boolean[fakes.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.get(i);
            k[i] = fakes.get(i);
        }
        return VideoVerdict.of(s, k, sampled);
    }
}
