package dev.unmask.examples.cli;

import dev.unmask.data.DecodeSize;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFiles;
import dev.unmask.data.ImageOps;
import dev.unmask.video.Mp4FrameSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Image files named on the command line: files as given, folders searched recursively in name order. */
final class ImageInputs {
    private ImageInputs() {
    }

    /** An image file and its path relative to the folder it was found in (its file name when named directly). */
    record Input(Path file, Path relative) {
    }

    /**
     * {@link #collect} with each file's relative path, so that outputs derived from inputs keep the inputs' folder
     * structure ({@code a/x.png} and {@code b/x.png} stay apart).
     */
    static List<Input> collectWithRelativePaths(List<Path> paths) {
        return collectWithRelativePaths(paths, false);
    }

    /**
     * {@link #collectWithRelativePaths(List)}; with {@code videos}, folders also give the videos in them
     * ({@link Mp4FrameSource#isVideo}: by extension, or an MP4 file-type box at the start).
     */
    static List<Input> collectWithRelativePaths(List<Path> paths, boolean videos) {
        List<Input> out = new ArrayList<>();
        for (Path p : paths) {
            for (Path file : collect(List.of(p), videos)) {
                out.add(new Input(file, Files.isDirectory(p) ? p.relativize(file) : file.getFileName()));
            }
        }
        return out;
    }

    /**
     * @throws IllegalArgumentException when a path does not exist or nothing is found
     */
    static List<Path> collect(List<Path> paths) {
        return collect(paths, false);
    }

    /** Whether a file named on the command line or found in a folder is to be read as a video. */
    static boolean isVideo(Path file) {
        return !ImageFiles.isImage(file) && Mp4FrameSource.isVideo(file);
    }

    private static List<Path> collect(List<Path> paths, boolean videos) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(f -> ImageFiles.isImage(f) || videos && isVideo(f)).sorted()
                            .forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + p, e);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new IllegalArgumentException(p + ": no such file or folder");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no image " + (videos ? "or video " : "") + "files in " + paths);
        }
        return out;
    }

    /**
     * A file as a model input: {@code channels}, bilinear resize to size x size, values in [-1, 1]; a large
     * image is subsampled while it is decoded ({@link DecodeSize#forResize}).
     */
    static FloatImage read(Path file, int channels, int size) {
        FloatImage image = ImageFiles.read(file, channels, DecodeSize.forResize(size, size));
        return image.height() == size && image.width() == size ? image : ImageOps.resizeBilinear(image, size, size);
    }

    /** Every file read as a model input, concatenated (n * channels * size * size values). */
    static float[] readAll(List<Path> files, int channels, int size) {
        int per = channels * size * size;
        float[] out = new float[files.size() * per];
        for (int i = 0; i < files.size(); i++) {
            System.arraycopy(read(files.get(i), channels, size).data(), 0, out, i * per, per);
        }
        return out;
    }
}
