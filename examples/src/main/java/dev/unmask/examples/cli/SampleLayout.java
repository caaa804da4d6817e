package dev.unmask.examples.cli;

import dev.unmask.data.ImageFolder;
import dev.unmask.data.RealAndFakeFaceName;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a labelled folder for {@code evaluate} is organised: where labels come from, which groups the per-group
 * tables use and whether frames belong to videos. Real samples get no group key, so that each group's table
 * holds its own fakes and all the reals ({@link dev.unmask.metrics.MetricsReport#perGroup}).
 */
enum SampleLayout {
    /**
     * {@code real/} and {@code fake/} (or {@code normal/} and {@code anomalous/}) folders; a fake inside a
     * sub-folder of its label folder, e.g. {@code fake/Deepfakes/12.png}, has that sub-folder as its method.
     */
    FOLDERS("folders"),
    /**
     * Real-and-Fake-Face file names ({@link RealAndFakeFaceName}) anywhere under the root: labels from the
     * names, groups per difficulty and per set of altered regions.
     */
    REAL_AND_FAKE_FACE("rff"),
    /**
     * FaceForensics++ extracted frames: {@code original_sequences/...} real and
     * {@code manipulated_sequences/METHOD/...} fake, each frame in a folder of its video
     * ({@code .../images/VIDEO/FRAME.png}); groups per method and video-level (mean frame score) tables.
     */
    FACEFORENSICS("ffpp");

    static final String METHOD = "method";
    static final String DIFFICULTY = "difficulty";
    static final String REGIONS = "altered regions";
    private static final String ORIGINAL = "original_sequences";
    private static final String MANIPULATED = "manipulated_sequences";

    private final String option;

    SampleLayout(String option) {
        this.option = option;
    }

    /** The name on the command line. */
    String option() {
        return option;
    }

    /** The layout named {@code name} (see {@link #option()}), or {@code auto}: {@link #detect}. */
    static SampleLayout parse(String name, List<Path> relativePaths) {
        if (name.equalsIgnoreCase("auto")) {
            return detect(relativePaths);
        }
        for (SampleLayout layout : values()) {
            if (layout.option.equalsIgnoreCase(name)) {
                return layout;
            }
        }
        throw new IllegalArgumentException("unknown layout '" + name + "'; expected auto, folders, rff or ffpp");
    }

    /**
     * FaceForensics++ when a path has an {@code original_sequences} or {@code manipulated_sequences} folder,
     * Real-and-Fake-Face when every file name follows that set's format, folders otherwise.
     */
    static SampleLayout detect(List<Path> relativePaths) {
        boolean allRff = !relativePaths.isEmpty();
        for (Path p : relativePaths) {
            if (folderIndex(p, ORIGINAL) >= 0 || folderIndex(p, MANIPULATED) >= 0) {
                return FACEFORENSICS;
            }
            allRff &= RealAndFakeFaceName.parse(p.getFileName().toString()).isPresent();
        }
        return allRff ? REAL_AND_FAKE_FACE : FOLDERS;
    }

    /** Sets the builder's labels for this layout. */
    ImageFolder.Builder labels(ImageFolder.Builder builder) {
        return switch (this) {
            case FOLDERS -> builder.folderLabels(ImageFolder.DEFAULT_FOLDER_LABELS);
            case REAL_AND_FAKE_FACE -> builder.labels(RealAndFakeFaceName::label);
            case FACEFORENSICS -> builder.folderLabels(Map.of(ORIGINAL, 0, MANIPULATED, 1));
        };
    }

    /**
     * Group keys per grouping, in table order: name to one key per sample (null for reals). A grouping in
     * which no fake has a key is left out.
     */
    Map<String, String[]> groupings(List<Path> relativePaths, boolean[] labels) {
        Map<String, String[]> out = new LinkedHashMap<>();
        int n = relativePaths.size();
        switch (this) {
            case FOLDERS -> {
                String[] methods = new String[n];
                boolean any = false;
                for (int i = 0; i < n; i++) {
                    if (labels[i]) {
                        String method = subFolderOfLabel(relativePaths.get(i));
                        any |= method != null;
                        methods[i] = method != null ? method : "(none)";
                    }
                }
                if (any) {
                    out.put(METHOD, methods);
                }
            }
            case REAL_AND_FAKE_FACE -> {
                String[] difficulty = new String[n];
                String[] regions = new String[n];
                for (int i = 0; i < n; i++) {
                    RealAndFakeFaceName name = RealAndFakeFaceName.parse(relativePaths.get(i).getFileName().toString())
                            .orElseThrow();
                    if (name.fake()) {
                        difficulty[i] = name.difficulty().name().toLowerCase(Locale.ROOT);
                        regions[i] = regions(name);
                    }
                }
                out.put(DIFFICULTY, difficulty);
                out.put(REGIONS, regions);
            }
            case FACEFORENSICS -> {
                String[] methods = new String[n];
                for (int i = 0; i < n; i++) {
                    if (labels[i]) {
                        String method = folderAfter(relativePaths.get(i), MANIPULATED);
                        methods[i] = method != null ? method : "(none)";
                    }
                }
                out.put(METHOD, methods);
            }
        }
        return out;
    }

    /** The video of each frame (its folder, relative to the root, with '/'), or null when the layout has no videos. */
    String[] videos(List<Path> relativePaths) {
        if (this != FACEFORENSICS) {
            return null;
        }
        String[] out = new String[relativePaths.size()];
        for (int i = 0; i < out.length; i++) {
            Path parent = relativePaths.get(i).getParent();
            out[i] = parent == null ? "." : parent.toString().replace('\\', '/');
        }
        return out;
    }

    private static String regions(RealAndFakeFaceName name) {
        List<String> parts = new ArrayList<>();
        if (name.leftEye()) {
            parts.add("left eye");
        }
        if (name.rightEye()) {
            parts.add("right eye");
        }
        if (name.nose()) {
            parts.add("nose");
        }
        if (name.mouth()) {
            parts.add("mouth");
        }
        return parts.isEmpty() ? "none" : String.join("+", parts);
    }

    // the folder right below the nearest enclosing label folder, if the file is not directly inside it
    private static String subFolderOfLabel(Path relative) {
        String below = null;
        for (Path folder = relative.getParent(); folder != null; folder = folder.getParent()) {
            String name = folder.getFileName().toString();
            if (ImageFolder.DEFAULT_FOLDER_LABELS.containsKey(name.toLowerCase(Locale.ROOT))) {
                return below;
            }
            below = name;
        }
        return null;
    }

    // the name of the folder right after the folder called {@code name} in the path, or null
    private static String folderAfter(Path relative, String name) {
        int i = folderIndex(relative, name);
        Path folders = relative.getParent();
        return i >= 0 && i + 1 < folders.getNameCount() ? folders.getName(i + 1).toString() : null;
    }

    // the index of the first folder of the path called {@code name} (case-insensitive), or -1
    private static int folderIndex(Path relative, String name) {
        Path folders = relative.getParent();
        for (int i = 0; folders != null && i < folders.getNameCount(); i++) {
            if (folders.getName(i).toString().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }
}
