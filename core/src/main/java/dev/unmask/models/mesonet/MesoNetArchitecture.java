package dev.unmask.models.mesonet;

/** The two networks of Afchar et al. 2018, as the official classifiers.py of DariusAf/MesoNet defines them. */
public enum MesoNetArchitecture {
    /** Four convolution blocks (8, 8, 16, 16 channels) and the classifier: {@link Meso4}. */
    MESO4("Meso-4"),
    /** Two inception blocks (11 and 12 channels), two convolution blocks and the classifier: {@link MesoInception4}. */
    MESO_INCEPTION4("MesoInception-4");

    private final String title;

    MesoNetArchitecture(String title) {
        this.title = title;
    }

    /** The paper's name of the network, for messages. */
    public String title() {
        return title;
    }
}
