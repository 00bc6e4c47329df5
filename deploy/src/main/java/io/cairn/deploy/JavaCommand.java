package io.cairn.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that runs this same jar in a new JVM, with the flags Cairn's daemons need. */
final class JavaCommand {
    private JavaCommand() {}

    static List<String> forThisJar() {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path jar;
        try {
            jar = Path.of(JavaCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the cairn jar", e);
        }
        List<String> cmd = new ArrayList<>(List.of(java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        if (jar.toString().endsWith(".jar")) {
            cmd.addAll(List.of("-jar", jar.toString()));
        } else {
            // running from classes (tests): same classpath, same main class
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.cairn.cli.CairnMain"));
        }
        return cmd;
    }
}
