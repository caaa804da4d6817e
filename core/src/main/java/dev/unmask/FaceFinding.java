package dev.unmask;

import dev.unmask.faces.CascadeFaceDetector;
import dev.unmask.faces.FaceCrop;
import dev.unmask.faces.FaceDetector;

/**
 * How {@link Detector#detectFaces} finds and crops faces.
 *
 * @param faces     the face detector run on the whole picture
 * @param cropScale the square crop's side over the box's longer side (the margin kept around a face)
 */
public record FaceFinding(FaceDetector faces, double cropScale) {
    public FaceFinding {
        if (faces == null || !(cropScale >= 1 && cropScale <= 4)) {
            throw new IllegalArgumentException("face finding needs a face detector and a crop scale in [1, 4], got "
                    + faces + ", " + cropScale);
        }
    }

    /**
     * OpenCV's default frontal Haar cascade at OpenCV's default settings (scale factor 1.1, min neighbours 3), crops
     * of {@value FaceCrop#DEFAULT_SCALE} times the box's longer side. The cascade is parsed on first use.
     */
    public static FaceFinding defaults() {
        return Defaults.VALUE;
    }

    public FaceFinding withCropScale(double value) {
        return new FaceFinding(faces, value);
    }

    private static final class Defaults {
        static final FaceFinding VALUE = new FaceFinding(CascadeFaceDetector.haarFrontalDefault(), FaceCrop.DEFAULT_SCALE);
    }
}
