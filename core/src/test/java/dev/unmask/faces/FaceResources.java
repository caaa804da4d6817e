package dev.unmask.faces;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The committed test images and goldens of core/src/test/resources/faces/, made by tools/goldens/faces/. */
final class FaceResources {
    private FaceResources() {
    }

    static Path path(String name) {
        URL url = FaceResources.class.getResource("/faces/" + name);
        assertNotNull(url, "test resource faces/" + name + " missing: run tools/goldens/faces/make_face_scenes.py"
                + " and make_face_goldens.py");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String name) {
        try {
            return new ObjectMapper().readTree(path(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
