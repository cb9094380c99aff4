package dev.picrust.cli;

import picocli.CommandLine;

/** Version string from the jar manifest, or "dev" when run from classes. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"picrust " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
}
