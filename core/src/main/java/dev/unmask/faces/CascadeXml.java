package dev.unmask.faces;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads OpenCV's new cascade format, as {@code CascadeClassifier::read} does for the parts a stump cascade
 * uses: under the first element of {@code <opencv_storage>}, {@code stageType} (BOOST), {@code featureType}
 * (HAAR or LBP), {@code width}, {@code height}, {@code featureParams/maxCatCount} (0 for Haar, 256 for LBP),
 * {@code stages} (each {@code stageThreshold} and {@code weakClassifiers}, each {@code internalNodes}
 * {@code "left right feature threshold"} for Haar or {@code "left right feature"} plus 8 category words for
 * LBP, and two {@code leafValues}) and {@code features} (Haar: {@code rects} of {@code "x y w h weight"} and
 * {@code tilted}; LBP: one {@code rect "x y w h"}). Real values are read as doubles and rounded to float, as
 * OpenCV's {@code (float) FileNode} does. Every value is checked: a feature must lie inside the window, a
 * stump must name an existing feature.
 */
final class CascadeXml {
    /** Largest cascade file read: the biggest of OpenCV's (Haar frontal default) is under 1 MB. */
    static final int MAX_BYTES = 64 << 20;
    /** Largest window accepted; OpenCV's cascades use 20 to 45 pixels. */
    static final int MAX_WINDOW = 1024;
    private static final float STAGE_THRESHOLD_EPS = 1e-5f;
    private static final int LBP_CATEGORIES = 256;
    private static final int LBP_CELLS_PER_SIDE = 3;

    private final String source;

    private CascadeXml(String source) {
        this.source = source;
    }

    static Cascade parse(InputStream in, String source) {
        CascadeXml reader = new CascadeXml(source);
        return reader.cascade(reader.document(in));
    }

    private Document document(InputStream in) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw fail("cannot be read (" + e.getMessage() + ")", e);
        }
        if (bytes.length > MAX_BYTES) {
            throw fail("larger than " + MAX_BYTES + " bytes; refused as a cascade file");
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setIgnoringComments(true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return builder.parse(new ByteArrayInputStream(bytes));
        } catch (SAXParseException e) {
            throw fail("not well-formed XML at line " + e.getLineNumber() + ", column " + e.getColumnNumber()
                    + " (" + e.getMessage() + "); truncated or corrupt?", e);
        } catch (SAXException | IOException e) {
            throw fail("not well-formed XML (" + e.getMessage() + ")", e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks secure processing", e);
        }
    }

    private Cascade cascade(Document document) {
        Element storage = document.getDocumentElement();
        if (!storage.getTagName().equals("opencv_storage")) {
            throw fail("root element is <" + storage.getTagName() + ">, not <opencv_storage>");
        }
        List<Element> top = children(storage);
        if (top.isEmpty()) {
            throw fail("<opencv_storage> is empty");
        }
        Element root = top.get(0);
        String where = "<" + root.getTagName() + ">";
        String stageType = text(child(root, "stageType", where), "stageType");
        if (!stageType.equals("BOOST")) {
            throw fail("stageType is '" + stageType + "'; only BOOST cascades are supported"
                    + " (old-format cascades must be converted with OpenCV first)");
        }
        String typeName = text(child(root, "featureType", where), "featureType");
        Cascade.FeatureType type = switch (typeName) {
            case "HAAR" -> Cascade.FeatureType.HAAR;
            case "LBP" -> Cascade.FeatureType.LBP;
            default -> throw fail("featureType is '" + typeName + "'; only HAAR and LBP are supported");
        };
        int width = intValue(child(root, "width", where), "width");
        int height = intValue(child(root, "height", where), "height");
        if (width < LBP_CELLS_PER_SIDE || height < LBP_CELLS_PER_SIDE || width > MAX_WINDOW || height > MAX_WINDOW) {
            throw fail("window " + width + "x" + height + " is outside 3.." + MAX_WINDOW + " pixels");
        }
        int categories = intValue(child(child(root, "featureParams", where), "maxCatCount", "featureParams"),
                "maxCatCount");
        int expected = type == Cascade.FeatureType.HAAR ? 0 : LBP_CATEGORIES;
        if (categories != expected) {
            throw fail("maxCatCount is " + categories + "; a " + type + " stump cascade has " + expected);
        }

        List<Element> stages = children(child(root, "stages", where));
        if (stages.isEmpty()) {
            throw fail("<stages> is empty");
        }
        int[] stageStart = new int[stages.size() + 1];
        float[] stageThreshold = new float[stages.size()];
        List<Element> weak = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            String at = "stage " + s;
            Element stage = stages.get(s);
            stageThreshold[s] = floatValue(child(stage, "stageThreshold", at), at + " stageThreshold")
                    - STAGE_THRESHOLD_EPS;
            List<Element> classifiers = children(child(stage, "weakClassifiers", at));
            if (classifiers.isEmpty()) {
                throw fail(at + ": <weakClassifiers> is empty");
            }
            weak.addAll(classifiers);
            stageStart[s + 1] = weak.size();
        }

        List<Element> features = children(child(root, "features", where));
        if (features.isEmpty()) {
            throw fail("<features> is empty");
        }
        int stumps = weak.size();
        int[] stumpFeature = new int[stumps];
        float[] stumpThreshold = type == Cascade.FeatureType.HAAR ? new float[stumps] : null;
        float[] leftLeaf = new float[stumps];
        float[] rightLeaf = new float[stumps];
        int[] subsets = type == Cascade.FeatureType.LBP ? new int[stumps * Cascade.LBP_SUBSET_WORDS] : null;
        int nodeValues = type == Cascade.FeatureType.HAAR ? 4 : 3 + Cascade.LBP_SUBSET_WORDS;
        int stage = 0;
        for (int i = 0; i < stumps; i++) {
            while (i >= stageStart[stage + 1]) {
                stage++;
            }
            String at = "stage " + stage + ", weak classifier " + (i - stageStart[stage]);
            Element classifier = weak.get(i);
            String[] nodes = tokens(child(classifier, "internalNodes", at));
            if (nodes.length != nodeValues) {
                throw fail(at + ": internalNodes has " + nodes.length + " values; a stump (one node) has "
                        + nodeValues + " (trees of several nodes are not supported)");
            }
            int feature = parseInt(nodes[2], at + " internalNodes");
            if (feature < 0 || feature >= features.size()) {
                throw fail(at + ": feature index " + feature + " outside 0.." + (features.size() - 1));
            }
            stumpFeature[i] = feature;
            if (type == Cascade.FeatureType.HAAR) {
                stumpThreshold[i] = parseFloat(nodes[3], at + " internalNodes");
            } else {
                for (int k = 0; k < Cascade.LBP_SUBSET_WORDS; k++) {
                    subsets[i * Cascade.LBP_SUBSET_WORDS + k] = parseInt(nodes[3 + k], at + " internalNodes");
                }
            }
            String[] leaves = tokens(child(classifier, "leafValues", at));
            if (leaves.length != 2) {
                throw fail(at + ": leafValues has " + leaves.length + " values; a stump has 2");
            }
            leftLeaf[i] = parseFloat(leaves[0], at + " leafValues");
            rightLeaf[i] = parseFloat(leaves[1], at + " leafValues");
        }

        int[] rects;
        float[] weights = null;
        boolean[] tilted = null;
        if (type == Cascade.FeatureType.HAAR) {
            rects = new int[features.size() * Cascade.HAAR_RECTS * 4];
            weights = new float[features.size() * Cascade.HAAR_RECTS];
            tilted = new boolean[features.size()];
            for (int f = 0; f < features.size(); f++) {
                readHaarFeature(features.get(f), f, width, height, rects, weights, tilted);
            }
        } else {
            rects = new int[features.size() * 4];
            for (int f = 0; f < features.size(); f++) {
                String at = "feature " + f;
                int[] r = rect(tokens(child(features.get(f), "rect", at)), 4, at + " rect");
                if (r[0] < 0 || r[1] < 0 || r[2] <= 0 || r[3] <= 0
                        || r[0] + LBP_CELLS_PER_SIDE * r[2] > width || r[1] + LBP_CELLS_PER_SIDE * r[3] > height) {
                    throw fail(at + ": 3x3 cells of " + r[2] + "x" + r[3] + " at (" + r[0] + ", " + r[1]
                            + ") do not fit the " + width + "x" + height + " window");
                }
                System.arraycopy(r, 0, rects, 4 * f, 4);
            }
        }
        return new Cascade(source, type, width, height, stageStart, stageThreshold, stumpFeature, stumpThreshold,
                leftLeaf, rightLeaf, subsets, rects, weights, tilted);
    }

    private void readHaarFeature(Element feature, int f, int width, int height, int[] rects, float[] weights,
                                 boolean[] tilted) {
        String at = "feature " + f;
        List<Element> list = children(child(feature, "rects", at));
        if (list.isEmpty() || list.size() > Cascade.HAAR_RECTS) {
            throw fail(at + ": " + list.size() + " rectangles; a Haar feature has 1 to " + Cascade.HAAR_RECTS);
        }
        Element tiltedNode = optionalChild(feature, "tilted");
        boolean isTilted = tiltedNode != null && intValue(tiltedNode, at + " tilted") != 0;
        tilted[f] = isTilted;
        for (int r = 0; r < list.size(); r++) {
            String[] values = tokens(list.get(r));
            int[] box = rect(values, 5, at + " rectangle " + r);
            int x = box[0];
            int y = box[1];
            int w = box[2];
            int h = box[3];
            boolean inside = isTilted
                    // the corners the tilted sum reads: (x, y), (x - h, y + h), (x + w, y + w), (x + w - h, y + w + h)
                    ? w > 0 && h > 0 && y >= 0 && x - h >= 0 && x + w <= width && y + w + h <= height
                    : w > 0 && h > 0 && x >= 0 && y >= 0 && x + w <= width && y + h <= height;
            if (!inside) {
                throw fail(at + ": " + (isTilted ? "tilted " : "") + "rectangle " + r + " (" + x + ", " + y + ", "
                        + w + ", " + h + ") leaves the " + width + "x" + height + " window");
            }
            System.arraycopy(box, 0, rects, (f * Cascade.HAAR_RECTS + r) * 4, 4);
            weights[f * Cascade.HAAR_RECTS + r] = parseFloat(values[4], at + " rectangle " + r);
        }
    }

    private int[] rect(String[] values, int count, String what) {
        if (values.length != count) {
            throw fail(what + ": " + values.length + " values, expected " + count);
        }
        int[] box = new int[4];
        for (int k = 0; k < 4; k++) {
            box[k] = parseInt(values[k], what);
        }
        return box;
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element optionalChild(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private Element child(Element parent, String name, String where) {
        Element e = optionalChild(parent, name);
        if (e == null) {
            throw fail(where + ": missing <" + name + ">");
        }
        return e;
    }

    private static String[] tokens(Element e) {
        String text = e.getTextContent().strip();
        return text.isEmpty() ? new String[0] : text.split("\\s+");
    }

    private String text(Element e, String what) {
        String[] t = tokens(e);
        if (t.length != 1) {
            throw fail(what + ": expected one value, got " + t.length);
        }
        return t[0];
    }

    private int intValue(Element e, String what) {
        return parseInt(text(e, what), what);
    }

    private float floatValue(Element e, String what) {
        return parseFloat(text(e, what), what);
    }

    private int parseInt(String token, String what) {
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw fail(what + ": '" + token + "' is not an integer", e);
        }
    }

    private float parseFloat(String token, String what) {
        double value;
        try {
            value = Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw fail(what + ": '" + token + "' is not a number", e);
        }
        float rounded = (float) value;
        if (!Float.isFinite(rounded)) {
            throw fail(what + ": '" + token + "' is not a finite float");
        }
        return rounded;
    }

    private CascadeFormatException fail(String problem) {
        return new CascadeFormatException(source, problem);
    }

    private CascadeFormatException fail(String problem, Throwable cause) {
        return new CascadeFormatException(source, problem, cause);
    }
}
