/**
 * Faces in photos: detection with OpenCV's trained cascades evaluated in Java
 * ({@link dev.unmask.faces.CascadeFaceDetector}: the results of OpenCV 4.6's
 * {@code CascadeClassifier.detectMultiScale}, window for window), EXIF orientation
 * ({@link dev.unmask.faces.ExifOrientation}) and square crops with a margin for a model
 * ({@link dev.unmask.faces.FaceCrop}). Boxes are {@link dev.unmask.faces.FaceBox}es in pixel coordinates of
 * the upright image.
 *
 * <pre>{@code
 * BufferedImage photo = ExifOrientation.readUpright(path);
 * for (FaceBox box : CascadeFaceDetector.haarFrontalDefault().detect(photo)) {
 *     FloatImage face = FaceCrop.crop(photo, box, FaceCrop.DEFAULT_SCALE, 128);
 * }
 * }</pre>
 */
package dev.unmask.faces;
