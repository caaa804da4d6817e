package dev.unmask;

import java.util.List;
import java.util.Optional;

/**
 * The faces found and scored in one sampled video frame.
 *
 * @param frame   the frame's index in display order ({@link dev.unmask.video.VideoFrame#index})
 * @param seconds the frame's presentation time in seconds
 * @param faces   one detection per face, each with its box and {@code frame}; empty when no face was found
 * @param tracks  the face track of each detection, in the same order ({@link dev.unmask.faces.FaceTracker}): the
 *                detections of one face across frames share an id
 */
public record FrameDetections(int frame, double seconds, List<Detection> faces, List<Integer> tracks) {
    public FrameDetections {
        faces = List.copyOf(faces);
        tracks = List.copyOf(tracks);
        if (faces.size() != tracks.size()) {
            throw new IllegalArgumentException("got " + faces.size() + " faces but " + tracks.size() + " track ids");
        }
    }

    /** The frame's most suspicious face (highest normalised score; the first found among equals), if any. */
    public Optional<Detection> mostSuspicious() {
        Detection best = null;
        for (Detection d : faces) {
            if (best == null || d.normalisedScore() > best.normalisedScore()) {
                best = d;
            }
        }
        return Optional.ofNullable(best);
    }
}
