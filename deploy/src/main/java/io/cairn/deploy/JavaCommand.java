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
        if (isRunnableJar(jar)) {
            cmd.addAll(List.of("-jar", jar.toString()));
        } else {
            // running from classes (tests): the same classpath (surefire's real one if set), same main class
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            cmd.addAll(List.of("-cp", cp, "io.cairn.cli.CairnMain"));
        }
        return cmd;
    }

    /** True for the shaded cairn.jar (it names its main class); false for classes or a plain module jar. */
    private static boolean isRunnableJar(Path jar) {
        if (!jar.toString().endsWith(".jar")) {
            return false;
        }
        try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest m = f.getManifest();
            return m != null && "io.cairn.cli.CairnMain".equals(m.getMainAttributes().getValue("Main-Class"));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
