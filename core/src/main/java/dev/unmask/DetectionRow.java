package dev.unmask;

import dev.unmask.faces.FaceBox;
import dev.unmask.video.VideoVerdict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One output row of scoring, the same for {@code unmask score}, {@code unmask detect} and batch scoring on
 * Spark: {@link #COLUMNS} in that order. A row is a scored image, a scored face (with its box), a video frame
 * (with its index), an image or video in which no face was found, or an input that could not be scored (with
 * its error).
 *
 * <p>A video gives one row per face per sampled frame (frame and box filled, with the face's track) and then one
 * row for the whole video ({@link #video}): frame, box and track empty, {@code normalised_score} the video's score
 * (the mean of its frames' most suspicious face scores) and {@code raw_score} the frames' vote, the share of frames
 * with a face judged fake ({@link VideoVerdict}); a video without a face in any frame gets {@value #NO_FACE}.
 *
 * @param file            the input as given (a path or URI)
 * @param frame           the video frame index, or -1
 * @param box             the face box, or null when the whole image was scored or no face was found
 * @param model           the bundle's model type, or the model's name
 * @param rawScore        the family's raw output (in a video's row: the share of frames judged fake), NaN when
 *                        there is no score
 * @param normalisedScore the normalised score in [0, 1], NaN when there is no score
 * @param verdict         {@value #FAKE}, {@value #REAL}, {@value #NO_FACE}, or empty when there is an error
 * @param error           why the input could not be scored (one line), or empty
 * @param track           the face track of a face in a video frame ({@link dev.unmask.faces.FaceTracker}), or -1
 */
public record DetectionRow(String file, int frame, FaceBox box, String model, double rawScore, double normalisedScore,
                           String verdict, String error, int track) {
    public static final String FAKE = "fake";
    public static final String REAL = "real";
    public static final String NO_FACE = "no face found";

    /** The column names, in order. */
    public static final List<String> COLUMNS = List.of("file", "frame", "box_x", "box_y", "box_width", "box_height",
            "model", "raw_score", "normalised_score", "verdict", "error", "track");

    public DetectionRow {
        if (file == null || model == null || verdict == null || error == null) {
            throw new IllegalArgumentException("file, model, verdict and error must not be null");
        }
        if (track < -1) {
            throw new IllegalArgumentException("track must be -1 (none) or an id, got " + track);
        }
    }

    /** A row without a face track. */
    public DetectionRow(String file, int frame, FaceBox box, String model, double rawScore, double normalisedScore,
                        String verdict, String error) {
        this(file, frame, box, model, rawScore, normalisedScore, verdict, error, -1);
    }

    /** The row of a detection of {@code file}. */
    public static DetectionRow of(String file, Detection d) {
        return new DetectionRow(file, d.frame(), d.box(), d.modelType(), d.rawScore(), d.normalisedScore(),
                d.fake() ? FAKE : REAL, "");
    }

    /** The row of a face in a video frame: {@link #of} with the face's {@code track}. */
    public static DetectionRow ofTrack(String file, Detection d, int track) {
        return new DetectionRow(file, d.frame(), d.box(), d.modelType(), d.rawScore(), d.normalisedScore(),
                d.fake() ? FAKE : REAL, "", track);
    }

    /**
     * The row of a whole video: normalised score the video's score, raw score the share of frames judged fake,
     * verdict from the video's score, or {@value #NO_FACE} when no frame had a face.
     */
    public static DetectionRow video(String file, String model, VideoVerdict verdict) {
        if (!verdict.faceFound()) {
            return noFace(file, -1, model);
        }
        return new DetectionRow(file, -1, null, model, verdict.fakeFrameShare(), verdict.score(),
                verdict.fake() ? FAKE : REAL, "");
    }

    /** The row of an image (or a video frame, when {@code frame >= 0}) in which no face was found. */
    public static DetectionRow noFace(String file, int frame, String model) {
        return new DetectionRow(file, frame, null, model, Double.NaN, Double.NaN, NO_FACE, "");
    }

    /** The row of an input that could not be scored. */
    public static DetectionRow failure(String file, String model, String error) {
        return new DetectionRow(file, -1, null, model, Double.NaN, Double.NaN, "", oneLine(error));
    }

    /** This row with another {@code model} label (a pretrained model's name instead of its type). */
    public DetectionRow withModel(String label) {
        return new DetectionRow(file, frame, box, label, rawScore, normalisedScore, verdict, error, track);
    }

    /** Whether this row holds a score. */
    public boolean scored() {
        return !Double.isNaN(rawScore);
    }

    /**
     * The row's fields as text, in {@link #COLUMNS} order: absent values are empty, scores are written with
     * {@link Double#toString} (the shortest text that reads back to the same double, so rows compare exactly).
     */
    public List<String> values() {
        List<String> out = new ArrayList<>(COLUMNS.size());
        out.add(file);
        out.add(frame < 0 ? "" : Integer.toString(frame));
        out.add(box == null ? "" : Integer.toString(box.x()));
        out.add(box == null ? "" : Integer.toString(box.y()));
        out.add(box == null ? "" : Integer.toString(box.width()));
        out.add(box == null ? "" : Integer.toString(box.height()));
        out.add(model);
        out.add(Double.isNaN(rawScore) ? "" : Double.toString(rawScore));
        out.add(Double.isNaN(normalisedScore) ? "" : Double.toString(normalisedScore));
        out.add(verdict);
        out.add(error);
        out.add(track < 0 ? "" : Integer.toString(track));
        return Collections.unmodifiableList(out);
    }

    private static String oneLine(String message) {
        String text = message == null ? "unknown error" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return text.length() <= 300 ? text : text.substring(0, 297) + "...";
    }
}
