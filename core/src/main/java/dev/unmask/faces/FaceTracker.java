package dev.unmask.faces;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Links the face boxes of successive video frames into tracks by overlap, one frame at a time, so that the frames
 * of one face can be followed. Greedy matching: every pair of an open track (its last box) and a box of the new
 * frame whose intersection over union ({@link FaceBox#iou}) is at least the threshold is a candidate; candidates are
 * taken by decreasing IoU (ties: the older track, then the box found first), each track and each box at most once;
 * a box left over starts a new track. A track stays open while it has a box in one of the last
 * {@code 1 + maxMissedFrames} frames given, so a face missed by the detector in a frame keeps its track.
 *
 * <p>Memory holds the open tracks only. Not thread-safe: one tracker per video.
 */
public final class FaceTracker {
    /**
     * Default least IoU to link a box to a track: 0.3, the usual threshold of IoU trackers (SORT's), so that a face
     * moving by about a third of its size between sampled frames keeps its track, while two faces side by side,
     * whose boxes do not overlap, never share one.
     */
    public static final double DEFAULT_MIN_IOU = 0.3;
    /** Default frames a track may miss and still be continued: 2. */
    public static final int DEFAULT_MAX_MISSED_FRAMES = 2;

    private final double minIou;
    private final int maxMissedFrames;
    private final List<Track> open = new ArrayList<>();
    private int frames;
    private int nextId;

    private static final class Track {
        final int id;
        FaceBox last;
        int lastFrame;

        Track(int id, FaceBox last, int lastFrame) {
            this.id = id;
            this.last = last;
            this.lastFrame = lastFrame;
        }
    }

    /** A tracker with {@link #DEFAULT_MIN_IOU} and {@link #DEFAULT_MAX_MISSED_FRAMES}. */
    public FaceTracker() {
        this(DEFAULT_MIN_IOU, DEFAULT_MAX_MISSED_FRAMES);
    }

    /**
     * @param minIou          least IoU to link a box to a track, in (0, 1]
     * @param maxMissedFrames frames in a row without a box after which a track is closed, {@code >= 0}
     */
    public FaceTracker(double minIou, int maxMissedFrames) {
        if (!(minIou > 0 && minIou <= 1) || maxMissedFrames < 0) {
            throw new IllegalArgumentException("a tracker needs an IoU threshold in (0, 1] and maxMissedFrames >= 0, got "
                    + minIou + ", " + maxMissedFrames);
        }
        this.minIou = minIou;
        this.maxMissedFrames = maxMissedFrames;
    }

    /**
     * The track id of each box of the next frame, in the order given; ids count from 0 in the order tracks start.
     * An empty list is a frame without faces (it counts towards the frames a track may miss).
     */
    public int[] next(List<FaceBox> boxes) {
        int frame = frames++;
        open.removeIf(t -> frame - t.lastFrame > maxMissedFrames + 1);
        int[] ids = new int[boxes.size()];
        Arrays.fill(ids, -1);
        List<double[]> candidates = new ArrayList<>();
        for (int t = 0; t < open.size(); t++) {
            for (int b = 0; b < boxes.size(); b++) {
                double iou = open.get(t).last.iou(boxes.get(b));
                if (iou >= minIou) {
                    candidates.add(new double[] {iou, t, b});
                }
            }
        }
        candidates.sort((x, y) -> x[0] != y[0] ? Double.compare(y[0], x[0])
                : x[1] != y[1] ? Double.compare(x[1], y[1]) : Double.compare(x[2], y[2]));
        boolean[] trackTaken = new boolean[open.size()];
        for (double[] c : candidates) {
            int t = (int) c[1];
            int b = (int) c[2];
            if (!trackTaken[t] && ids[b] < 0) {
                trackTaken[t] = true;
                Track track = open.get(t);
                track.last = boxes.get(b);
                track.lastFrame = frame;
                ids[b] = track.id;
            }
        }
        for (int b = 0; b < boxes.size(); b++) {
            if (ids[b] < 0) {
                Track track = new Track(nextId++, boxes.get(b), frame);
                open.add(track);
                ids[b] = track.id;
            }
        }
        return ids;
    }
}
