package dev.unmask.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names of the Real-and-Fake-Face detection set (Yonsei CIPLab, distributed on Kaggle). Assumed
 * format, case-insensitive, any image extension:
 * <ul>
 * <li>real images: {@code real_<number>.<ext>}, e.g. {@code real_00001.jpg};</li>
 * <li>fake images: {@code <difficulty>_<number>_<code>.<ext>}, difficulty {@code easy}, {@code mid} or
 *     {@code hard}, and {@code code} four digits 0/1 saying whether the left eye, right eye, nose and mouth
 *     (in that order) were replaced, e.g. {@code easy_12_0110.jpg}: right eye and nose.</li>
 * </ul>
 *
 * @param difficulty REAL for a real image
 * @param number the image number as written
 */
public record RealAndFakeFaceName(Difficulty difficulty, int number, boolean leftEye, boolean rightEye,
                                  boolean nose, boolean mouth) {
    private static final Pattern REAL = Pattern.compile("real_(\\d+)\\.[a-z]+");
    private static final Pattern FAKE = Pattern.compile("(easy|mid|hard)_(\\d+)_([01]{4})\\.[a-z]+");

    /** How hard the fake is to spot, as the set labels it. */
    public enum Difficulty { REAL, EASY, MID, HARD }

    /** The parsed name, or empty when {@code fileName} (a bare name, no folders) does not follow the format. */
    public static Optional<RealAndFakeFaceName> parse(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        Matcher real = REAL.matcher(name);
        if (real.matches()) {
            return Optional.of(new RealAndFakeFaceName(Difficulty.REAL, Integer.parseInt(real.group(1)),
                    false, false, false, false));
        }
        Matcher fake = FAKE.matcher(name);
        if (!fake.matches()) {
            return Optional.empty();
        }
        String code = fake.group(3);
        return Optional.of(new RealAndFakeFaceName(Difficulty.valueOf(fake.group(1).toUpperCase(Locale.ROOT)),
                Integer.parseInt(fake.group(2)), code.charAt(0) == '1', code.charAt(1) == '1',
                code.charAt(2) == '1', code.charAt(3) == '1'));
    }

    /**
     * 0 for a real name, 1 for a fake one: a labeller for {@link ImageFolder.Builder#labels}.
     *
     * @throws IllegalArgumentException naming the file when its name does not follow the format
     */
    public static int label(Path relativePath) {
        String name = relativePath.getFileName().toString();
        return parse(name).orElseThrow(() -> new IllegalArgumentException(relativePath
                + ": not a Real-and-Fake-Face name (real_<n>.<ext> or easy|mid|hard_<n>_<4 digits 0/1>.<ext>)"))
                .fake() ? 1 : 0;
    }

    public boolean fake() {
        return difficulty != Difficulty.REAL;
    }
}
