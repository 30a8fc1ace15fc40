package jqm.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemPackage;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.ops4j.pax.exam.Option;

import aQute.bnd.header.Attrs;
import aQute.bnd.header.OSGiHeader;
import aQute.bnd.header.Parameters;
import aQute.bnd.osgi.Processor;

/**
 * The runtime of a node as {@code run/jqm.bndrun} declares it (its resolved -runbundles with their
 * start levels, -runsystempackages, -runproperties), as Pax Exam options, so that tests run exactly
 * the bundles that ship. Runs in the test JVM only, when Pax Exam asks for the configuration.
 */
final class RuntimeBundles {
    /** Left out of tests: the shell reads standard input. */
    private static final Set<String> LEFT_OUT = Set.of("org.apache.felix.gogo.shell");
    /** Runtime properties that belong to a node's folders or console, not to a test framework. */
    private static final Set<String> PROPERTIES_LEFT_OUT = Set.of("gosh.args", "org.osgi.service.http.port",
            "org.osgi.framework.startlevel.beginning");

    private RuntimeBundles() {
    }

    static List<Option> options() {
        File bndrun = new File(System.getProperty("jqm.it.bndrun"));
        File bundles = TestBundles.dir();
        Map<String, File> bySymbolicName = TestBundles.bySymbolicName();
        List<Option> options = new ArrayList<>();
        try (Processor p = new Processor()) {
            p.setProperties(bndrun);
            Parameters runbundles = OSGiHeader.parseHeader(p.getProperty("-runbundles"));
            if (runbundles.isEmpty()) {
                throw new IllegalStateException(bndrun + " has no resolved -runbundles");
            }
            for (Map.Entry<String, Attrs> e : runbundles.entrySet()) {
                String bsn = Processor.removeDuplicateMarker(e.getKey());
                if (LEFT_OUT.contains(bsn)) {
                    continue;
                }
                File jar = bySymbolicName.get(bsn);
                if (jar == null) {
                    throw new IllegalStateException("Runtime bundle " + bsn + " is not in " + bundles);
                }
                String level = e.getValue().get("startlevel");
                // SPI Fly and slf4j before Pax Exam's own bundles, which log (STACK.md, Pax Exam trap 1).
                int startLevel = level == null ? 5 : Math.max(1, Integer.parseInt(level) <= 2 ? 1 : Integer.parseInt(level));
                options.add(bundle(jar.toURI().toString()).startLevel(startLevel));
            }
            for (String pkg : OSGiHeader.parseHeader(p.getProperty("-runsystempackages")).keySet()) {
                options.add(systemPackage(pkg));
            }
            for (Map.Entry<String, String> e : OSGiHeader.parseProperties(p.getProperty("-runproperties")).entrySet()) {
                if (PROPERTIES_LEFT_OUT.contains(e.getKey()) || e.getKey().startsWith("felix.fileinstall")) {
                    continue;
                }
                // slf4j-simple reads system properties; the framework reads its own.
                options.add(e.getKey().startsWith("org.slf4j") ? systemProperty(e.getKey()).value(e.getValue())
                        : frameworkProperty(e.getKey()).value(e.getValue()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + bndrun, e);
        }
        return options;
    }

}
