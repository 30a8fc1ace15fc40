package jqm.engine.features;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional bundles of the node: the full client API over HTTP ({@code rest}, bundle
 * {@code jqm.rest}) and remote JMX ({@code jmx}, bundle {@code jqm.jmx}). They ship in
 * {@code bundles/optional/} and are installed and started only while enabled; disabling one stops,
 * uninstalls and refreshes it, so that none of its classes stays loaded.
 *
 * <p>The choice is one line each in {@code conf/jqm.features.cfg} (ConfigAdmin PID
 * {@value #PID}), applied when the file changes; the console's {@code jqm:enable} and
 * {@code jqm:disable} write that line too, so the choice survives a restart whichever way it was made.
 */
@Component(service = OptionalBundles.class, configurationPid = OptionalBundles.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = OptionalBundles.Config.class)
public class OptionalBundles {
    public static final String PID = "jqm.features";

    private static final Logger LOG = LoggerFactory.getLogger(OptionalBundles.class);
    private static final String LOCATION = "jqm:optional:";
    private static final String DEFAULT_DIR = "bundles/optional";

    @ObjectClassDefinition(name = "JQM optional bundles", description = "Which optional bundles the node runs")
    public @interface Config {
        @AttributeDefinition(name = "REST API", description = "true: the full client API over HTTP (/ws/client), bundle jqm.rest")
        boolean rest() default false;

        @AttributeDefinition(name = "Remote JMX", description = "true: the remote JMX connector (TLS, authenticated), bundle jqm.jmx")
        boolean jmx() default false;

        @AttributeDefinition(name = "Folder", description = "Where the optional bundles' jars are (FEATURE's bundle is jqm.FEATURE.jar); relative to the node root")
        String dir() default DEFAULT_DIR;
    }

    /** The features; feature X is the bundle jqm.X, shipped as jqm.X.jar. */
    private static final List<String> FEATURES = List.of("rest", "jmx");

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final Path confDir;
    private volatile Path dir;

    @Activate
    public OptionalBundles(BundleContext context, Config config, @Reference ConfigurationAdmin configurationAdmin) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        String conf = context.getProperty("felix.fileinstall.dir");
        this.confDir = conf == null ? null : Paths.get(conf).toAbsolutePath().normalize();
        apply(config);
    }

    @Modified
    void modified(Config config) {
        apply(config);
    }

    /**
     * Applies the newest recorded choice. ConfigAdmin hands a change to this component on a thread of
     * its own, some time after it was recorded: by then a later {@code jqm:enable} or {@code jqm:disable}
     * may have acted and recorded a newer one, which the delivered (older) configuration must not undo.
     */
    private synchronized void apply(Config delivered) {
        Dictionary<String, Object> newest = newest();
        Map<String, Boolean> wanted = new LinkedHashMap<>();
        if (newest == null) {
            this.dir = Paths.get(delivered.dir()).toAbsolutePath().normalize();
            wanted.put("rest", delivered.rest());
            wanted.put("jmx", delivered.jmx());
        } else {
            Object d = newest.get("dir");
            this.dir = Paths.get(d == null ? DEFAULT_DIR : d.toString()).toAbsolutePath().normalize();
            for (String feature : FEATURES) {
                wanted.put(feature, Boolean.parseBoolean(String.valueOf(newest.get(feature))));
            }
        }
        for (Map.Entry<String, Boolean> e : wanted.entrySet()) {
            try {
                String state = e.getValue() ? install(e.getKey()) : uninstall(e.getKey());
                LOG.info("Optional bundle {}: {}", e.getKey(), state);
            } catch (IOException | BundleException | RuntimeException ex) {
                LOG.error("Optional bundle {} could not be {}: {}", e.getKey(), e.getValue() ? "enabled" : "disabled", ex.getMessage());
            }
        }
    }

    /**
     * Enables or disables an optional bundle now, and records the choice in {@code conf/jqm.features.cfg}
     * (or, without a watched configuration folder, in ConfigAdmin) so that it survives a restart.
     *
     * @return what was done, for the operator
     * @throws IllegalArgumentException for an unknown feature
     */
    public synchronized String set(String feature, boolean enabled) throws IOException, BundleException {
        if (!FEATURES.contains(feature)) {
            throw new IllegalArgumentException("Unknown optional bundle '" + feature + "'; they are " + FEATURES);
        }
        String state = enabled ? install(feature) : uninstall(feature);
        LOG.info("Optional bundle {}: {}", feature, state);
        remember(feature, enabled);
        return feature + ": " + state;
    }

    /** @return each optional bundle with whether it is enabled, and its bundle's state and version */
    public List<String[]> list() {
        List<String[]> rows = new ArrayList<>();
        for (String feature : FEATURES) {
            Bundle b = installed(feature);
            Path jar = dir.resolve("jqm." + feature + ".jar");
            rows.add(new String[] { feature, b == null ? "disabled" : "enabled", b == null ? "-" : stateName(b.getState()),
                    b == null ? "-" : b.getVersion().toString(), jar.toString() + (Files.isReadable(jar) ? "" : " (missing)") });
        }
        return rows;
    }

    /** @return the installed bundle of a feature, if any */
    public Bundle installed(String feature) {
        for (Bundle b : context.getBundles()) {
            if (b.getLocation().equals(LOCATION + feature)) {
                return b;
            }
        }
        return null;
    }

    private String install(String feature) throws IOException, BundleException {
        Path jar = dir.resolve("jqm." + feature + ".jar");
        if (!Files.isReadable(jar)) {
            throw new IOException("its bundle " + jar + " is missing or unreadable");
        }
        String version = version(jar);
        Bundle b = installed(feature);
        if (b == null) {
            try (InputStream in = Files.newInputStream(jar)) {
                b = context.installBundle(LOCATION + feature, in);
            }
            // The engine's start level (stopped before what it uses), but not above the framework's
            // current one: while the node starts, a higher level would have the framework stop it again.
            int engine = context.getBundle().adapt(BundleStartLevel.class).getStartLevel();
            int active = context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel();
            b.adapt(BundleStartLevel.class).setStartLevel(Math.max(1, Math.min(engine, active)));
        } else if (!b.getVersion().toString().equals(version)) {
            try (InputStream in = Files.newInputStream(jar)) {
                b.update(in);
            }
            refresh(List.of(b));
        }
        // The framework applies a start level change asynchronously, and was seen to stop the bundle
        // just started (its start level handled at the launcher's initial one); started again then.
        for (int attempt = 0; attempt < 3 && b.getState() != Bundle.ACTIVE; attempt++) {
            if (attempt > 0) {
                LOG.info("Optional bundle {} was stopped by the framework while starting; starting it again", feature);
                sleepQuietly(500);
            }
            b.start();
            sleepQuietly(200);
        }
        if (b.getState() != Bundle.ACTIVE && b.getState() != Bundle.STARTING) {
            throw new BundleException(b.getSymbolicName() + " did not start: it is " + stateName(b.getState()));
        }
        return "enabled (" + b.getSymbolicName() + " " + b.getVersion() + ", " + stateName(b.getState()) + ")";
    }

    private String uninstall(String feature) throws BundleException {
        Bundle b = installed(feature);
        if (b == null) {
            return "disabled";
        }
        b.uninstall();
        // Drops the uninstalled bundle's class loader: none of its classes stays loaded.
        refresh(List.of(b));
        return "disabled (" + b.getSymbolicName() + " " + b.getVersion() + " uninstalled)";
    }

    private void refresh(List<Bundle> bundles) {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            if (!done.await(30, TimeUnit.SECONDS)) {
                LOG.warn("The refresh after changing {} did not end within 30 s", bundles);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the properties of the configuration as last recorded, or null when there is none */
    private Dictionary<String, Object> newest() {
        try {
            Configuration[] c = configurationAdmin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID + "=" + PID + ")");
            return c == null ? null : c[0].getProperties();
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Could not read the configuration {}, applying the one delivered: {}", PID, e.getMessage());
            return null;
        }
    }

    /** Records the choice where an operator would: the line in conf/jqm.features.cfg, and the configuration. */
    private void remember(String feature, boolean enabled) throws IOException {
        if (confDir != null) {
            Path file = confDir.resolve(PID + ".cfg");
            Properties p = new Properties();
            if (Files.exists(file)) {
                try (Reader r = Files.newBufferedReader(file)) {
                    p.load(r);
                }
            }
            p.setProperty(feature, Boolean.toString(enabled));
            Files.createDirectories(confDir);
            Path tmp = Files.createTempFile(confDir, ".features", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "Optional bundles of the node (rest, jmx), written by jqm:enable / jqm:disable");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Configuration c = configurationAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) {
            props = new Hashtable<>();
        }
        props.put(feature, Boolean.toString(enabled));
        c.update(props);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String version(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            String v = j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("Bundle-Version");
            if (v == null) {
                throw new IOException(jar + " is not a bundle");
            }
            return org.osgi.framework.Version.parseVersion(v).toString();
        }
    }

    private static String stateName(int state) {
        return switch (state) {
        case Bundle.ACTIVE -> "ACTIVE";
        case Bundle.RESOLVED -> "RESOLVED";
        case Bundle.INSTALLED -> "INSTALLED (not resolved)";
        case Bundle.STARTING -> "STARTING";
        case Bundle.STOPPING -> "STOPPING";
        default -> "UNINSTALLED";
        };
    }
}
