package dev.unmask.faces;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OpenCV's {@code groupRectangles(rects, groupThreshold, eps)} and the clipping {@code detectMultiScale}
 * applies after it.
 *
 * <p>Two rectangles are similar when each of their four edges differs by at most
 * {@code delta = eps * (min(w1, w2) + min(h1, h2)) / 2}; the classes are the connected components of that
 * relation, numbered in order of their first member. Each class becomes the mean of its members
 * ({@code round(sum * (1f / n))} in float, ties to even) and is kept when it has more than
 * {@code groupThreshold} members and does not lie inside another kept class's mean widened by
 * {@code round(eps * size)} while that class has more than {@code max(3, n)} members (or this one fewer
 * than 3). A threshold of 0 or less returns the rectangles ungrouped.
 */
final class RectangleGrouping {
    private RectangleGrouping() {
    }

    static List<FaceBox> group(List<FaceBox> rects, int groupThreshold, double eps) {
        if (groupThreshold <= 0 || rects.isEmpty()) {
            return new ArrayList<>(rects);
        }
        int n = rects.size();
        int[] labels = new int[n];
        int classes = partition(rects, eps, labels);
        long[] sums = new long[4 * classes];
        int[] members = new int[classes];
        for (int i = 0; i < n; i++) {
            FaceBox r = rects.get(i);
            int c = labels[i];
            sums[4 * c] += r.x();
            sums[4 * c + 1] += r.y();
            sums[4 * c + 2] += r.width();
            sums[4 * c + 3] += r.height();
            members[c]++;
        }
        int[][] means = new int[classes][];
        for (int c = 0; c < classes; c++) {
            float s = 1f / members[c];
            means[c] = new int[] {
                PyramidScan.roundHalfEven(sums[4 * c] * s), PyramidScan.roundHalfEven(sums[4 * c + 1] * s),
                PyramidScan.roundHalfEven(sums[4 * c + 2] * s), PyramidScan.roundHalfEven(sums[4 * c + 3] * s)};
        }
        List<FaceBox> out = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            int n1 = members[i];
            if (n1 <= groupThreshold) {
                continue;
            }
            int[] r1 = means[i];
            boolean inside = false;
            for (int j = 0; j < classes && !inside; j++) {
                int n2 = members[j];
                if (j == i || n2 <= groupThreshold) {
                    continue;
                }
                int[] r2 = means[j];
                int dx = (int) Math.rint(r2[2] * eps);
                int dy = (int) Math.rint(r2[3] * eps);
                inside = r1[0] >= r2[0] - dx && r1[1] >= r2[1] - dy
                        && r1[0] + r1[2] <= r2[0] + r2[2] + dx && r1[1] + r1[3] <= r2[1] + r2[3] + dy
                        && (n2 > Math.max(3, n1) || n1 < 3);
            }
            if (!inside) {
                out.add(new FaceBox(r1[0], r1[1], r1[2], r1[3]));
            }
        }
        return out;
    }

    /** Whether OpenCV's {@code SimilarRects(eps)} holds for {@code a} and {@code b}. */
    static boolean similar(FaceBox a, FaceBox b, double eps) {
        double delta = eps * (Math.min(a.width(), b.width()) + Math.min(a.height(), b.height())) * 0.5;
        return Math.abs(a.x() - b.x()) <= delta
                && Math.abs(a.y() - b.y()) <= delta
                && Math.abs(a.x() + a.width() - b.x() - b.width()) <= delta
                && Math.abs(a.y() + a.height() - b.y() - b.height()) <= delta;
    }

    /**
     * Labels the connected components of {@link #similar} (union-find over all pairs), numbered 0, 1, ... in
     * order of each component's first member; returns their number.
     */
    static int partition(List<FaceBox> rects, double eps, int[] labels) {
        int n = rects.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (similar(rects.get(i), rects.get(j), eps)) {
                    int a = root(parent, i);
                    int b = root(parent, j);
                    if (a != b) {
                        parent[Math.max(a, b)] = Math.min(a, b);
                    }
                }
            }
        }
        int[] classOfRoot = new int[n];
        Arrays.fill(classOfRoot, -1);
        int classes = 0;
        for (int i = 0; i < n; i++) {
            int r = root(parent, i);
            if (classOfRoot[r] < 0) {
                classOfRoot[r] = classes++;
            }
            labels[i] = classOfRoot[r];
        }
        return classes;
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** Each box cut to the {@code width x height} image; boxes left without area are dropped. */
    static List<FaceBox> clip(List<FaceBox> boxes, int width, int height) {
        List<FaceBox> out = new ArrayList<>();
        for (FaceBox b : boxes) {
            int x0 = Math.max(b.x(), 0);
            int y0 = Math.max(b.y(), 0);
            int x1 = Math.min(b.x() + b.width(), width);
            int y1 = Math.min(b.y() + b.height(), height);
            if (x1 > x0 && y1 > y0) {
                out.add(new FaceBox(x0, y0, x1 - x0, y1 - y0));
            }
        }
        return out;
    }
}
