package dev.unmask.examples.cli;

import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Heat-map overlays and image panels drawn with plain Java2D, written as PNG. */
final class HeatMaps {
    // share of the heat colour in an overlay pixel at the map's maximum
    private static final float OVERLAY_OPACITY = 0.6f;

    private HeatMaps() {
    }

    /** Height * width values in [0, 1] as an opaque "hot" colour map (black, red, yellow, white). */
    static BufferedImage colourMap(float[] map, int height, int width, float low, float high) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out.setRGB(x, y, hot(scale(map[y * width + x], low, high)));
            }
        }
        return out;
    }

    /** The image with the map's "hot" colour blended over it, more strongly where the map is high. */
    static BufferedImage overlay(FloatImage image, float[] map, float low, float high) {
        BufferedImage base = ImageOps.toBufferedImage(image);
        int w = base.getWidth();
        int h = base.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float t = scale(map[y * w + x], low, high);
                int heat = hot(t);
                int rgb = base.getRGB(x, y);
                float a = OVERLAY_OPACITY * t;
                int r = mix((rgb >> 16) & 0xFF, (heat >> 16) & 0xFF, a);
                int g = mix((rgb >> 8) & 0xFF, (heat >> 8) & 0xFF, a);
                int b = mix(rgb & 0xFF, heat & 0xFF, a);
                out.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    /** A mask (values 0 or 1) as black and white. */
    static BufferedImage mask(FloatImage mask) {
        return colourMap(mask.data(), mask.height(), mask.width(), 0f, 1f);
    }

    /** Tiles scaled by {@code zoom}, side by side, each with a caption above it. */
    static BufferedImage panel(List<BufferedImage> tiles, List<String> captions, int zoom) {
        int caption = 14;
        int tileW = tiles.get(0).getWidth() * zoom;
        int tileH = tiles.get(0).getHeight() * zoom;
        int gap = 4;
        BufferedImage out = new BufferedImage(tiles.size() * (tileW + gap) - gap, tileH + caption, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int i = 0; i < tiles.size(); i++) {
                int x = i * (tileW + gap);
                g.setColor(Color.BLACK);
                g.drawString(captions.get(i), x + 2, caption - 3);
                g.drawImage(tiles.get(i), x, caption, tileW, tileH, null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    static void writePng(BufferedImage image, Path file) {
        try {
            OutputFiles.createParent(file);
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Minimum and maximum of a set of maps, for a shared colour scale. */
    static float[] range(List<float[]> maps) {
        float low = Float.POSITIVE_INFINITY;
        float high = Float.NEGATIVE_INFINITY;
        for (float[] m : maps) {
            for (float v : m) {
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
        }
        return new float[] {low, high};
    }

    private static float scale(float v, float low, float high) {
        if (!(high > low)) {
            return 0f;
        }
        return Math.max(0f, Math.min(1f, (v - low) / (high - low)));
    }

    private static int mix(int a, int b, float t) {
        return Math.round(a * (1 - t) + b * t);
    }

    private static int hot(float t) {
        int r = Math.round(255 * Math.min(1f, 3 * t));
        int g = Math.round(255 * Math.max(0f, Math.min(1f, 3 * t - 1)));
        int b = Math.round(255 * Math.max(0f, Math.min(1f, 3 * t - 2)));
        return (r << 16) | (g << 8) | b;
    }
}
