package jqm.engine.node;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the node's installation when it starts: configuration readable or writable by other
 * accounts, node root or payloads folder or the runtime jar or the class data archive writable by
 * others (anyone who can write them runs code in the node), a secret in clear text in
 * {@code conf/}, the node running as root. Each problem is one warning naming the path and the fix. With {@code strict=true} in
 * {@code conf/jqm.node.cfg} the node refuses to start instead, and its process ends with status 78.
 */
@Component(immediate = true, configurationPid = LocalNode.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class InstallationCheck {
    static final int REFUSED = 78;
    private static final Logger LOG = LoggerFactory.getLogger(InstallationCheck.class);

    /** The keys of {@code jqm.node} this check reads. */
    public @interface Config {
        boolean strict() default false;

        String payloads_dir() default "payloads";
    }

    @Activate
    public InstallationCheck(Config config, BundleContext context) {
        List<String> problems = problems(config, context);
        problems.forEach(p -> LOG.warn("Installation: {}", p));
        if (!problems.isEmpty() && config.strict()) {
            LOG.error("The node refuses to start (strict=true in conf/jqm.node.cfg): {} installation problem(s), listed above",
                    problems.size());
            Runtime.getRuntime().exit(REFUSED);
        }
    }

    /** The check is made when the node starts; a later change of conf/jqm.node.cfg does not run it again. */
    @org.osgi.service.component.annotations.Modified
    void modified() {
        // nothing: see above
    }

    static List<String> problems(Config config, BundleContext context) {
        List<String> problems = new ArrayList<>();
        if (ProcessHandle.current().info().user().map("root"::equals).orElse(false)) {
            problems.add("the node runs as root: run it as an account of its own (a payload runs with the node's rights)");
        }
        String confProperty = context.getProperty("felix.fileinstall.dir");
        if (confProperty != null) {
            Path conf = Paths.get(confProperty).toAbsolutePath();
            readableOrWritableByOthers(conf, "the configuration folder").ifPresent(problems::add);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(conf, "*.cfg")) {
                for (Path f : files) {
                    readableOrWritableByOthers(f, "the configuration file").ifPresent(problems::add);
                    clearSecrets(f, problems);
                    if (f.getFileName().toString().equals(OLD_DATABASE_FILE)) {
                        problems.add("the configuration file " + f + " is from an earlier version: the database is configured in "
                                + "conf/jqm.db.cfg (driver, url, user, password, and its pool); move its settings there and delete it "
                                + "(Aries JPA still reads it, and would replace the pool with a connection per transaction)");
                    }
                }
            } catch (IOException e) {
                LOG.debug("Cannot list {}", conf, e);
            }
        }
        Path root = Paths.get("").toAbsolutePath();
        writableByOthers(root, "the node root").ifPresent(problems::add);
        writableByOthers(Paths.get(config.payloads_dir()).toAbsolutePath(), "the payloads folder").ifPresent(problems::add);
        JvmOptions jvm = new JvmOptions();
        jvm.jar().ifPresent(jar -> {
            writableByOthers(jar, "the runtime jar").ifPresent(problems::add);
            writableByOthers(jar.getParent(), "the folder of the runtime jar").ifPresent(problems::add);
        });
        // The class data archives: run/jqm's cds/ (which it leaves unused if writable by others), and the one the JVM
        // maps, or writes as it exits for the next start.
        Path cds = root.resolve("cds");
        writableByOthers(cds, "the class data archive folder").ifPresent(problems::add);
        List<Path> archives = new ArrayList<>(jvm.paths("-XX:SharedArchiveFile="));
        archives.addAll(jvm.paths(ClassArchiveReady.OPTION));
        for (Path archive : archives) {
            writableByOthers(archive, "the class data archive").ifPresent(problems::add);
            if (!archive.getParent().equals(cds)) {
                writableByOthers(archive.getParent(), "the class data archive folder").ifPresent(problems::add);
            }
        }
        return problems;
    }

    private static Optional<Set<PosixFilePermission>> permissions(Path p) {
        try {
            return Files.exists(p) ? Optional.of(Files.getPosixFilePermissions(p)) : Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> writableByOthers(Path p, String what) {
        return permissions(p).filter(s -> s.contains(PosixFilePermission.OTHERS_WRITE) || s.contains(PosixFilePermission.GROUP_WRITE))
                .map(s -> what + " " + p + " is writable by other accounts, who could change what the node runs: chmod go-w " + p);
    }

    private static Optional<String> readableOrWritableByOthers(Path p, String what) {
        return permissions(p)
                .filter(s -> s.contains(PosixFilePermission.OTHERS_READ) || s.contains(PosixFilePermission.OTHERS_WRITE)
                        || s.contains(PosixFilePermission.GROUP_WRITE))
                .map(s -> what + " " + p + " is readable or writable by other accounts (" + java.nio.file.attribute.PosixFilePermissions.toString(s)
                        + "): chmod " + (Files.isDirectory(p) ? "700 " : "600 ") + p);
    }

    /** Where the database was configured before conf/jqm.db.cfg (read by Aries JPA itself, without a pool). */
    static final String OLD_DATABASE_FILE = "org.apache.aries.jpa.jqm.cfg";

    /** @return whether the key also takes its secret from a file named by KEY.file */
    private static boolean hasFileVariant(Path f, String key) {
        return key.startsWith("org.apache.felix.https.") || (key.equals("password") && f.getFileName().toString().equals("jqm.db.cfg"));
    }

    /** Reports keys holding a password or secret in clear, rather than by reference. */
    private static void clearSecrets(Path f, List<String> problems) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            return;
        }
        for (String key : p.stringPropertyNames()) {
            String k = key.toLowerCase();
            String v = p.getProperty(key).trim();
            if ((k.contains("password") || k.contains("secret") || k.contains("token")) && !k.endsWith(".file") && !v.isEmpty()
                    && !v.startsWith("${env:")) {
                problems.add("the configuration file " + f + " holds " + key + " in clear text: take it from the environment ("
                        + key + "=${env:NAME})" + (hasFileVariant(f, k) ? " or a file (" + key + ".file=PATH)" : ""));
            }
        }
    }
}
