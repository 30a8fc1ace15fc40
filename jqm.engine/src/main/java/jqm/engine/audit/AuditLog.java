package jqm.engine.audit;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.cm.SynchronousConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.engine.node.LocalNode;

/**
 * The audit log of the node, {@code logs/audit.log} (owner-only): one line a change, with when, what
 * and, for configurations, each key's old and new value, secrets masked. It records every change of
 * configuration (queues and job definitions declared in {@code conf/}, the node, HTTP, the database),
 * every bundle installed, updated or uninstalled (payloads included), and the account changes the
 * engine reports.
 */
@Component(service = { AuditLog.class, ConfigurationListener.class }, immediate = true)
public class AuditLog implements SynchronousConfigurationListener {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final Path file;
    private final ConfigurationAdmin configurationAdmin;
    private final BundleContext context;
    /** The last known properties of each configuration (in memory only), to tell what changed. */
    private final Map<String, Map<String, String>> known = new HashMap<>();
    private final SynchronousBundleListener bundles;
    private Writer out;

    @Activate
    public AuditLog(BundleContext context, @Reference LocalNode node, @Reference ConfigurationAdmin configurationAdmin) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        this.file = node.logsRoot().resolve("audit.log");
        try {
            Configuration[] all = configurationAdmin.listConfigurations(null);
            if (all != null) {
                for (Configuration c : all) {
                    known.put(c.getPid(), flat(c.getProperties()));
                }
            }
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            LOG.warn("Could not read the current configurations for the audit log: {}", e.getMessage());
        }
        this.bundles = this::bundleChanged;
        context.addBundleListener(bundles);
        record("node " + node.name() + " started by " + processUser());
    }

    @Deactivate
    synchronized void deactivate() {
        context.removeBundleListener(bundles);
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("closing the audit log", e);
            }
            out = null;
        }
    }

    /** Records one change, as a line of the audit log. */
    public synchronized void record(String change) {
        try {
            if (out == null) {
                Files.createDirectories(file.getParent());
                if (!Files.exists(file)) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                }
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
            out.write(Instant.now() + " " + change.replace('\n', ' ') + "\n");
            out.flush();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.error("Cannot write the audit log {}: {} (lost: {})", file, e.getMessage(), change);
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String pid = event.getPid();
        String source = "";
        if (event.getType() == ConfigurationEvent.CM_DELETED) {
            Map<String, String> before;
            synchronized (this) {
                before = known.remove(pid);
            }
            record("configuration " + pid + " deleted" + (before == null ? "" : ", it was " + masked(before)));
            return;
        }
        if (event.getType() != ConfigurationEvent.CM_UPDATED) {
            return;
        }
        Map<String, String> now;
        try {
            Configuration c = configurationAdmin.getConfiguration(pid, null);
            Dictionary<String, Object> props = c.getProperties();
            now = flat(props);
            Object f = props == null ? null : props.get("felix.fileinstall.filename");
            source = f == null ? " by " + processUser() + " (console or API)" : " by " + owner(f.toString()) + " (file " + f + ")";
        } catch (IOException e) {
            record("configuration " + pid + " updated (its new values could not be read: " + e.getMessage() + ")");
            return;
        }
        Map<String, String> before;
        synchronized (this) {
            before = known.put(pid, now);
        }
        if (before == null) {
            record("configuration " + pid + " created" + source + ": " + masked(now));
            return;
        }
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(now.keySet());
        StringBuilder changes = new StringBuilder();
        for (String k : keys) {
            String a = before.get(k);
            String b = now.get(k);
            if (a == null ? b != null : !a.equals(b)) {
                changes.append(changes.length() == 0 ? "" : ", ").append(k).append(": ")
                        .append(a == null ? "(none)" : Secrets.shown(k, a)).append(" -> ").append(b == null ? "(none)" : Secrets.shown(k, b));
            }
        }
        if (changes.length() > 0) {
            record("configuration " + pid + " changed" + source + ": " + changes);
        }
    }

    private static Map<String, String> masked(Map<String, String> values) {
        Map<String, String> result = new TreeMap<>();
        values.forEach((k, v) -> result.put(k, Secrets.shown(k, v)));
        return result;
    }

    /** @return the properties that say something, as text */
    private static Map<String, String> flat(Dictionary<String, Object> props) {
        Map<String, String> result = new TreeMap<>();
        if (props != null) {
            for (String k : Collections.list(props.keys())) {
                if (!k.equals("service.pid") && !k.equals("service.factoryPid") && !k.equals("felix.fileinstall.filename")) {
                    Object v = props.get(k);
                    result.put(k, v instanceof Object[] a ? java.util.Arrays.toString(a) : String.valueOf(v));
                }
            }
        }
        return result;
    }

    /** @return the account the node runs as: whoever acts through its console */
    public static String processUser() {
        return ProcessHandle.current().info().user().orElse(System.getProperty("user.name"));
    }

    /** @return the owner of a file (given as a path or a file: URL), the account that wrote it */
    static String owner(String fileOrUrl) {
        try {
            Path p = fileOrUrl.startsWith("file:") ? Path.of(java.net.URI.create(fileOrUrl)) : Path.of(fileOrUrl);
            return Files.getOwner(p).getName();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private void bundleChanged(BundleEvent event) {
        String what = switch (event.getType()) {
        case BundleEvent.INSTALLED -> "installed";
        case BundleEvent.UPDATED -> "updated";
        case BundleEvent.UNINSTALLED -> "uninstalled";
        default -> null;
        };
        if (what != null) {
            Bundle b = event.getBundle();
            String location = b.getLocation();
            String by = location.startsWith("jqm-payload:")
                    ? owner(location.substring("jqm-payload:".length(), location.lastIndexOf('@') > 0 ? location.lastIndexOf('@') : location.length()))
                    : processUser();
            record("bundle " + b.getSymbolicName() + " " + b.getVersion() + " " + what + " by " + by + " (location " + location + ")");
        }
    }
}
