package dev.unmask.examples.cli;

import dev.unmask.Detection;
import dev.unmask.Detector;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's first step: every pretrained MesoNet model on the four official MesoNet sample faces (Apache-2.0,
 * shipped in this jar under {@value #ROOT} with their LICENSE and NOTICE), each verdict and fake probability.
 */
final class PretrainedSamples {
    static final String ROOT = "samples/";
    /** The official test faces, by their folder: df = DeepFake, real = real. */
    static final List<String> FACES = List.of("df/df00204.jpg", "df/df01254.jpg", "real/real00240.jpg", "real/real00772.jpg");

    private PretrainedSamples() {
    }

    /** One row per model and face: model, face, label, verdict, fake probability. */
    static List<List<Object>> run(PrintStream out) throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        List<BufferedImage> images = new ArrayList<>();
        for (String face : FACES) {
            try (InputStream in = PretrainedSamples.class.getResourceAsStream(ROOT + face)) {
                if (in == null) {
                    throw new IOException("sample face " + ROOT + face + " is missing from the jar");
                }
                images.add(ImageIO.read(in));
            }
        }
        out.printf(Locale.ROOT, "%-18s %-20s %-5s %-8s %s%n", "model", "face", "label", "verdict", "fake probability");
        for (String name : Detector.PRETRAINED) {
            try (Detector detector = Detector.pretrained(name)) {
                for (int i = 0; i < FACES.size(); i++) {
                    Detection d = detector.detect(images.get(i));
                    String label = FACES.get(i).startsWith("df/") ? "fake" : "real";
                    String verdict = d.fake() ? "fake" : "real";
                    out.printf(Locale.ROOT, "%-18s %-20s %-5s %-8s %.4f%n", name, FACES.get(i), label, verdict, d.normalisedScore());
                    rows.add(List.of(name, FACES.get(i), label, verdict, String.format(Locale.ROOT, "%.4f", d.normalisedScore())));
                }
            }
        }
        return rows;
    }
}
