package jqm.itests;

import java.io.File;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarFile;

/** The bundle jars the build copied for the tests (target/it-bundles), by symbolic name. */
final class TestBundles {
    private TestBundles() {
    }

    static File dir() {
        return new File(System.getProperty("jqm.it.bundles"));
    }

    /** @return the jar of a bundle copied for the tests */
    static File jar(String symbolicName) {
        File jar = bySymbolicName().get(symbolicName);
        if (jar == null) {
            throw new IllegalStateException("No bundle " + symbolicName + " in " + dir());
        }
        return jar;
    }

    static Map<String, File> bySymbolicName() {
        Map<String, File> map = new HashMap<>();
        File[] jars = dir().listFiles((d, n) -> n.endsWith(".jar"));
        if (jars == null) {
            throw new IllegalStateException(dir() + " does not exist: run the tests with mvn verify");
        }
        for (File f : jars) {
            try (JarFile jar = new JarFile(f)) {
                String bsn = jar.getManifest() == null ? null
                        : jar.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                if (bsn != null) {
                    map.put(bsn.split(";")[0].trim(), f);
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read " + f, e);
            }
        }
        return map;
    }
}
