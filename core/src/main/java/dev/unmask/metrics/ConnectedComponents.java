package dev.unmask.metrics;

/**
 * Labels the 8-connected components of a binary mask (pixels that touch at an edge or a corner belong to one
 * component), as OpenCV's {@code connectedComponents} does by default and anomalib's AUPRO uses.
 */
final class ConnectedComponents {
    private ConnectedComponents() {
    }

    /**
     * Writes into {@code labels} ({@code height * width}, row-major) the component number of every pixel with
     * {@code mask} set, numbering from {@code firstLabel} in raster order of each component's first pixel;
     * other entries are left as they are. Returns the number of components.
     */
    static int label(boolean[] mask, int height, int width, int[] labels, int firstLabel) {
        int[] queue = new int[mask.length];
        boolean[] seen = new boolean[mask.length];
        int next = firstLabel;
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || seen[start]) {
                continue;
            }
            // breadth-first flood fill; every pixel enters the queue once, so it never holds more than the mask
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            seen[start] = true;
            while (head < tail) {
                int p = queue[head++];
                labels[p] = next;
                int y = p / width;
                int x = p % width;
                for (int ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
                    for (int nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
                        int q = ny * width + nx;
                        if (mask[q] && !seen[q]) {
                            seen[q] = true;
                            queue[tail++] = q;
                        }
                    }
                }
            }
            next++;
        }
        return next - firstLabel;
    }
}
