package dev.unmask.faces;

import java.awt.image.BufferedImage;
import java.util.List;

/** Finds faces in an image. Implementations are immutable and safe to share between threads. */
public interface FaceDetector {
    /** The faces found in {@code image}, in pixel coordinates of that image; empty when there are none. */
    List<FaceBox> detect(BufferedImage image);
}
