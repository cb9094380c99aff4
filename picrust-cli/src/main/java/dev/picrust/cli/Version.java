package dev.picrust.cli;

/** What {@code --version} prints: the version from the jar manifest ("dev" when run from classes) and the Java running it. */
final class Version {
    private Version() {}

    static String text() {
        String v = Main.class.getPackage().getImplementationVersion();
        return "picrust " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")";
    }
}
