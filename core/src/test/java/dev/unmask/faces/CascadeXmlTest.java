package dev.unmask.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading cascades: the shipped ones, and damaged or hostile files that must fail with the file named. */
class CascadeXmlTest {
    /** A valid one-stage Haar cascade of two stumps; the cases below break one part of it. */
    private static final String TINY = """
            <?xml version="1.0"?>
            <!-- a comment, as the real files have -->
            <opencv_storage>
            <cascade type_id="opencv-cascade-classifier">
              <stageType>BOOST</stageType>
              <featureType>HAAR</featureType>
              <height>10</height>
              <width>12</width>
              <featureParams><maxCatCount>0</maxCatCount></featureParams>
              <stages>
                <_>
                  <maxWeakCount>2</maxWeakCount>
                  <stageThreshold>-1.5</stageThreshold>
                  <weakClassifiers>
                    <_><internalNodes>0 -1 0 1.25e-02</internalNodes><leafValues>-0.5 0.75</leafValues></_>
                    <_><internalNodes>0 -1 1 -3.</internalNodes><leafValues>0.25 -1.</leafValues></_>
                  </weakClassifiers>
                </_>
              </stages>
              <features>
                <_><rects><_>0 0 12 10 -1.</_><_>2 2 4 4 3.</_></rects><tilted>0</tilted></_>
                <_><rects><_>4 0 3 3 -1.</_><_>4 1 3 1 2.</_></rects><tilted>1</tilted></_>
              </features>
            </cascade>
            </opencv_storage>
            """;

    @TempDir
    Path dir;

    @Test
    void shippedCascadesHaveTheirKnownShape() {
        Cascade haar = Cascade.haarFrontalDefault();
        assertEquals(Cascade.FeatureType.HAAR, haar.featureType());
        assertEquals(24, haar.windowWidth());
        assertEquals(24, haar.windowHeight());
        assertEquals(25, haar.stageCount());
        assertEquals(2913, haar.stumpCount());
        assertFalse(haar.hasTiltedFeatures());
        Cascade lbp = Cascade.lbpFrontal();
        assertEquals(Cascade.FeatureType.LBP, lbp.featureType());
        assertEquals(45, lbp.windowWidth());
        assertEquals(19, lbp.stageCount());
        assertEquals(149, lbp.stumpCount());
    }

    @Test
    void readsEveryValueOfATinyCascade() throws IOException {
        Cascade c = Cascade.read(write("tiny.xml", TINY));
        assertEquals(12, c.windowWidth());
        assertEquals(10, c.windowHeight());
        assertEquals(2, c.stumpCount());
        assertTrue(c.hasTiltedFeatures());
        assertEquals(-1.5f - 1e-5f, c.stageThreshold[0], "OpenCV lowers stage thresholds by 1e-5");
        assertEquals((float) 1.25e-02, c.stumpThreshold[0]);
        assertEquals(-1f, c.rightLeaf[1]);
        assertEquals(3f, c.rectWeights[1]);
        assertEquals(0f, c.rectWeights[2], "an unused third rectangle has weight 0");
        assertEquals(2, c.featureRects[4]);
    }

    @Test
    void truncatedFileNamesItself() throws IOException {
        String text = Files.readString(FaceResources.path("cat_tilted_10stages.xml"));
        Path cut = write("cut.xml", text.substring(0, text.length() / 2));
        CascadeFormatException e = assertThrows(CascadeFormatException.class, () -> Cascade.read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString() + ": not well-formed XML"), e.getMessage());
        assertEquals(cut.toString(), e.source());
    }

    @Test
    void damagedFilesFailWithTheProblemNamed() throws IOException {
        expectProblem("garbage.xml", "\u0000\u0001binary", "not well-formed XML");
        expectProblem("empty.xml", "", "not well-formed XML");
        expectProblem("root.xml", "<cascade/>", "not <opencv_storage>");
        expectProblem("entity.xml", "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<opencv_storage>&x;</opencv_storage>", "not well-formed XML");
        expectProblem("hog.xml", TINY.replace("<featureType>HAAR", "<featureType>HOG"), "only HAAR and LBP");
        expectProblem("gentle.xml", TINY.replace("<stageType>BOOST", "<stageType>GENTLE"), "only BOOST");
        expectProblem("nowidth.xml", TINY.replace("<width>12</width>", ""), "missing <width>");
        expectProblem("window.xml", TINY.replace("<width>12<", "<width>100000<"), "window 100000x10");
        expectProblem("categories.xml", TINY.replace("<maxCatCount>0", "<maxCatCount>256"), "maxCatCount is 256");
        expectProblem("tree.xml", TINY.replace("0 -1 1 -3.", "1 -1 1 -3. 0 -2 0 4."),
                "stage 0, weak classifier 1: internalNodes has 8 values");
        expectProblem("index.xml", TINY.replace("0 -1 1 -3.", "0 -1 2 -3."), "feature index 2 outside 0..1");
        expectProblem("number.xml", TINY.replace("1.25e-02", "1.25e-0x"), "'1.25e-0x' is not a number");
        expectProblem("nan.xml", TINY.replace("<stageThreshold>-1.5", "<stageThreshold>NaN"), "not a finite float");
        expectProblem("huge.xml", TINY.replace("<stageThreshold>-1.5", "<stageThreshold>1e39"), "not a finite float");
        expectProblem("leaves.xml", TINY.replace("-0.5 0.75", "-0.5"), "leafValues has 1 values");
        expectProblem("outside.xml", TINY.replace("2 2 4 4 3.", "2 2 11 4 3."), "rectangle 1 (2, 2, 11, 4) leaves");
        // tilted (4, 1, 3, 1) reaches row y + w + h = 5, fine; (4, 5, 3, 3) reaches row 11 of a 10-row window
        expectProblem("tilted.xml", TINY.replace("4 1 3 1 2.", "4 5 3 3 2."), "tilted rectangle 1");
        expectProblem("nostages.xml", TINY.replaceAll("(?s)<stages>.*</stages>", "<stages></stages>"),
                "<stages> is empty");
        expectProblem("fourrects.xml", TINY.replace("<_>2 2 4 4 3.</_>", "<_>2 2 4 4 3.</_><_>0 0 1 1 1.</_>"
                + "<_>0 0 1 1 1.</_>"), "4 rectangles");
    }

    @Test
    void missingAndOversizedFilesAreRefused() throws IOException {
        Path missing = dir.resolve("none.xml");
        CascadeFormatException e = assertThrows(CascadeFormatException.class, () -> Cascade.read(missing));
        assertTrue(e.getMessage().contains("none.xml: not a readable file"), e.getMessage());
        Path big = dir.resolve("big.xml");
        Files.write(big, new byte[CascadeXml.MAX_BYTES + 1]);
        e = assertThrows(CascadeFormatException.class, () -> Cascade.read(big));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    private void expectProblem(String name, String text, String problem) throws IOException {
        Path file = write(name, text);
        CascadeFormatException e = assertThrows(CascadeFormatException.class, () -> Cascade.read(file), name);
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), name + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
