package dev.unmask.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compares with the numpy and scikit-image oracle of {@code tools/goldens/metrics/make_aupro_goldens.py}:
 * regions by {@code skimage.measure.label(connectivity=2)}, FPR and PRO counted by brute force at every
 * distinct score, trapezoids with the point at the limit interpolated.
 */
class AuproGoldenTest {
    /** Sums of at most a few hundred terms in [0, 1], in another order than the oracle's. */
    private static final double AREA_TOLERANCE = 1e-12;

    private static JsonNode golden;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = AuproGoldenTest.class.getResourceAsStream("/goldens/metrics/aupro.json")) {
            assertNotNull(in, "golden file missing: run tools/goldens/metrics/make_aupro_goldens.py");
            golden = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void auproAndRegionsMatchTheOracle() {
        assertEquals(7, golden.get("cases").size());
        for (JsonNode c : golden.get("cases")) {
            String name = c.get("name").asText();
            List<float[]> maps = new ArrayList<>();
            List<boolean[]> masks = new ArrayList<>();
            for (int m = 0; m < c.get("maps").size(); m++) {
                JsonNode map = c.get("maps").get(m);
                JsonNode mask = c.get("masks").get(m);
                float[] scores = new float[map.size()];
                boolean[] anomalous = new boolean[mask.size()];
                for (int i = 0; i < scores.length; i++) {
                    // the golden holds float32 values written exactly as doubles
                    scores[i] = (float) map.get(i).asDouble();
                    anomalous[i] = mask.get(i).asInt() == 1;
                }
                maps.add(scores);
                masks.add(anomalous);
            }
            PerRegionOverlap pro = PerRegionOverlap.of(maps, masks, c.get("height").asInt(), c.get("width").asInt());
            assertEquals(c.get("regions_8_connected").asInt(), pro.regions(), name + ": regions");
            for (int l = 0; l < c.get("limits").size(); l++) {
                double limit = c.get("limits").get(l).asDouble();
                assertEquals(c.get("aupro").get(l).asDouble(), pro.aupro(limit), AREA_TOLERANCE,
                        name + " at FPR limit " + limit);
            }
        }
    }
}
