package dev.unmask.video;

/**
 * What a video's frames say together. A frame's score is that of its most suspicious face (the highest normalised
 * score, in [0, 1], 0.5 at the threshold); frames without a face take no part. The video's score is the mean of
 * its frame scores (the per-video score of {@link dev.unmask.metrics.VideoScores}), its verdict fake when that
 * mean is at least 0.5; beside it stands the vote of the frames, the share of frames with a face whose verdict
 * is fake (MesoNet's own aggregation). A video with no face in any sampled frame has no score: "no face found".
 *
 * @param sampledFrames   frames looked at
 * @param framesWithFaces frames in which at least one face was found
 * @param score           mean frame score, NaN when no frame has a face
 * @param fakeFrameShare  share of the frames with a face judged fake, NaN when no frame has a face
 * @param fake            {@code score >= 0.5}
 */
public record VideoVerdict(int sampledFrames, int framesWithFaces, double score, double fakeFrameShare, boolean fake) {
    public VideoVerdict {
        if (sampledFrames < 0 || framesWithFaces < 0 || framesWithFaces > sampledFrames) {
            throw new IllegalArgumentException("frames with faces must be between 0 and the " + sampledFrames
                    + " sampled frames, got " + framesWithFaces);
        }
    }

    /**
     * The verdict from the scores of the frames with a face ({@code frameScores[i]} in [0, 1], the most suspicious
     * face's, and its verdict {@code frameFake[i]}) among {@code sampledFrames} frames looked at.
     */
    public static VideoVerdict of(double[] frameScores, boolean[] frameFake, int sampledFrames) {
        if (frameScores.length != frameFake.length) {
            throw new IllegalArgumentException("got " + frameScores.length + " frame scores but " + frameFake.length
                    + " verdicts");
        }
        int n = frameScores.length;
        if (n == 0) {
            return new VideoVerdict(sampledFrames, 0, Double.NaN, Double.NaN, false);
        }
        double sum = 0;
        int fakes = 0;
        for (int i = 0; i < n; i++) {
            if (!(frameScores[i] >= 0 && frameScores[i] <= 1)) {
                throw new IllegalArgumentException("frame score " + i + " is " + frameScores[i] + ", not in [0, 1]");
            }
            sum += frameScores[i];
            fakes += frameFake[i] ? 1 : 0;
        }
        double mean = sum / n;
        return new VideoVerdict(sampledFrames, n, mean, (double) fakes / n, mean >= 0.5);
    }

    /** Whether a face was found in at least one frame. */
    public boolean faceFound() {
        return framesWithFaces > 0;
    }
}
