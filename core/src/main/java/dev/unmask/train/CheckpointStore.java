package dev.unmask.train;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of checkpoints named {@code checkpoint-<step>.safetensors} (the step zero-padded to 12
 * digits), owned by one training run.
 *
 * <p>Each checkpoint is written atomically (temporary file, forced to disk, renamed), so a crash leaves
 * either the new file or none, plus possibly a temporary file; {@link #open} removes such leftovers.
 * After each save the new checkpoint and the {@code keep - 1} newest older ones remain (files of later
 * steps exist only when they were unreadable at resume time, and are left alone). {@link #latest} returns the newest
 * checkpoint that reads and validates; a newer file that does not is logged as a warning, listed in the
 * result and left on disk for inspection, never deleted silently.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final long MAX_STEP = 1_000_000_000_000_000_000L;
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d{12,18})\\.safetensors");
    /** {@link dev.unmask.io.SafetensorsWriter}'s temporary name: "." + target + "." + UUID + ".tmp". */
    private static final Pattern TEMPORARY = Pattern.compile(
            "\\.checkpoint-\\d{12,18}\\.safetensors\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");

    /** A checkpoint file that {@link #latest} skipped, and why. */
    public record Unreadable(Path file, String reason) {
    }

    /**
     * The checkpoint {@link #latest} found.
     *
     * @param file where it was read from
     * @param checkpoint its content
     * @param skipped newer files that could not be used, newest first
     */
    public record Loaded(Path file, Checkpoint checkpoint, List<Unreadable> skipped) {
        public Loaded {
            skipped = List.copyOf(skipped);
        }
    }

    private final Path folder;
    private final int keep;

    private CheckpointStore(Path folder, int keep) {
        this.folder = folder;
        this.keep = keep;
    }

    /**
     * Opens (creating it if needed) a checkpoint folder and deletes the temporary files a crashed writer
     * left there. Only one writer may use a folder at a time.
     *
     * @param keep how many of the newest checkpoints to keep after each save, at least 1
     */
    public static CheckpointStore open(Path folder, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("a checkpoint store must keep at least 1 checkpoint, got " + keep);
        }
        Files.createDirectories(folder);
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (TEMPORARY.matcher(p.getFileName().toString()).matches()) {
                    LOG.info("removing {}, left by an interrupted checkpoint write", p);
                    Files.deleteIfExists(p);
                }
            }
        }
        return new CheckpointStore(folder, keep);
    }

    public Path folder() {
        return folder;
    }

    /** The file a checkpoint of {@code step} (below 10^18) is saved to. */
    public Path fileFor(long step) {
        if (step < 0 || step >= MAX_STEP) {
            throw new IllegalArgumentException("checkpoint step must be in [0, 10^18), got " + step);
        }
        return folder.resolve(String.format("checkpoint-%012d.safetensors", step));
    }

    /**
     * Writes {@code checkpoint} atomically to {@link #fileFor}{@code (checkpoint.step())}, replacing a
     * file of the same step, then deletes older checkpoints beyond the newest {@code keep}.
     *
     * @return the file written
     */
    public Path save(Checkpoint checkpoint) throws IOException {
        Path file = fileFor(checkpoint.step());
        checkpoint.write(file);
        List<Path> older = files().stream().filter(p -> stepOf(p) < checkpoint.step()).toList();
        for (Path old : older.subList(Math.min(keep - 1, older.size()), older.size())) {
            Files.deleteIfExists(old);
        }
        return file;
    }

    /** The checkpoint files in the folder, newest (highest step) first. */
    public List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> CHECKPOINT.matcher(p.getFileName().toString()).matches()).forEach(out::add);
        }
        out.sort(Comparator.comparingLong(CheckpointStore::stepOf).reversed());
        return out;
    }

    /** {@link #latest(Backend)} on the default backend. */
    public Optional<Loaded> latest() throws IOException {
        return latest(Backends.defaultBackend());
    }

    /**
     * The newest checkpoint that reads and validates, its tensors on {@code backend}; empty when the
     * folder holds none. Files newer than it that fail are logged and listed in {@link Loaded#skipped()}.
     */
    public Optional<Loaded> latest(Backend backend) throws IOException {
        List<Unreadable> skipped = new ArrayList<>();
        for (Path file : files()) {
            try {
                Checkpoint c = Checkpoint.read(file, backend);
                if (c.step() != stepOf(file)) {
                    throw new CheckpointException(file + ": holds step " + c.step() + ", its name says " + stepOf(file));
                }
                return Optional.of(new Loaded(file, c, skipped));
            } catch (IOException | RuntimeException e) {
                LOG.warn("checkpoint {} is unreadable, trying an older one: {}", file, e.toString());
                skipped.add(new Unreadable(file, e.toString()));
            }
        }
        if (!skipped.isEmpty()) {
            LOG.warn("no readable checkpoint in {}: {} unreadable files", folder, skipped.size());
        }
        return Optional.empty();
    }

    private static long stepOf(Path file) {
        Matcher m = CHECKPOINT.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(file + " is not named like a checkpoint");
        }
        return Long.parseLong(m.group(1));
    }
}
