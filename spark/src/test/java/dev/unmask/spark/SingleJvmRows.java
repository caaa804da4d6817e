package dev.unmask.spark;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.DetectionRow;
import dev.unmask.Detector;
import dev.unmask.FaceFinding;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageFileException;
import dev.unmask.data.ImageFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rows {@code unmask detect} writes for a folder, computed in this JVM the way its command does
 * (examples' DetectCommand: the image files under the folder, {@link Detector#read} of each, scored 16 at a time;
 * with {@code --faces}, {@link Detector#detectFaces(Path, FaceFinding, DetectionOptions)} of each file; an unusable
 * file gets {@link DetectionRow#failure} with its exception's message).
 */
final class SingleJvmRows {
    private static final int CLI_BATCH = 16;

    private SingleJvmRows() {
    }

    static List<DetectionRow> detect(Path folder, String model, boolean faces) throws IOException {
        String label = Detector.PRETRAINED.contains(model) ? model : Path.of(model).getFileName().toString();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).filter(ImageFiles::isImage).sorted().toList();
        }
        List<DetectionRow> out = new ArrayList<>();
        try (Detector detector = Detector.PRETRAINED.contains(model) ? Detector.pretrained(model)
                : Detector.load(Path.of(model))) {
            if (faces) {
                for (Path file : files) {
                    try {
                        List<Detection> found = detector.detectFaces(file, FaceFinding.defaults(), DetectionOptions.DEFAULTS);
                        if (found.isEmpty()) {
                            out.add(DetectionRow.noFace(file.toString(), -1, label));
                        }
                        for (Detection d : found) {
                            out.add(DetectionRow.of(file.toString(), d).withModel(label));
                        }
                    } catch (ImageFileException e) {
                        out.add(DetectionRow.failure(file.toString(), label, e.getMessage()));
                    }
                }
                return out;
            }
            List<Path> pendingFiles = new ArrayList<>();
            List<FloatImage> pending = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                try {
                    pending.add(detector.read(files.get(i)));
                    pendingFiles.add(files.get(i));
                } catch (ImageFileException e) {
                    out.add(DetectionRow.failure(files.get(i).toString(), label, e.getMessage()));
                }
                if (pending.size() == CLI_BATCH || i == files.size() - 1) {
                    List<Detection> got = pending.isEmpty() ? List.of() : detector.detectAll(pending, DetectionOptions.DEFAULTS);
                    for (int k = 0; k < got.size(); k++) {
                        out.add(DetectionRow.of(pendingFiles.get(k).toString(), got.get(k)).withModel(label));
                    }
                    pending.clear();
                    pendingFiles.clear();
                }
            }
        }
        return out;
    }
}
