package jqm.engine.deploy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.engine.node.LocalNode;
import jqm.engine.run.PayloadRunner;

/**
 * Deploys the payload bundles of the node's payloads folder, watched by Felix FileInstall (this
 * component creates the watcher once it can handle what it finds). A new jar is installed and
 * started. A replaced jar is installed as a new bundle beside the old one, which is stopped at once
 * (new instances run the new code) and uninstalled once the instances running its code have ended:
 * an update never breaks a running instance. A removed jar is retired the same way.
 * <p>
 * This component registers itself as FileInstall's {@link ArtifactInstaller} by hand, then creates
 * the watcher. Registered by DS, the service is visible in the registry before FileInstall's tracker
 * has taken it (its tracker is what makes DS construct this component), so a watcher created as
 * soon as the service is visible could scan without it: FileInstall then installs the jar itself,
 * unchecked and at the framework's initial start level, where it never starts. {@code
 * registerService} returns once every service listener, FileInstall's included, has been told.
 */
@Component(service = PayloadDeployer.class, immediate = true)
public class PayloadDeployer implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(PayloadDeployer.class);
    /** Payloads start before the engine's own bundles (6), and stop after them. */
    static final int PAYLOAD_START_LEVEL = 5;
    private static final String WATCHER_PID = "org.apache.felix.fileinstall";

    private final BundleContext context;
    private final LocalNode node;
    private final PayloadRunner runner;
    private final Map<File, Bundle> deployed = new HashMap<>();
    /** Who signed each deployed bundle ("unsigned" when nobody did), by bundle id. */
    private final Map<Long, String> signers = new java.util.concurrent.ConcurrentHashMap<>();
    private final jqm.engine.audit.AuditLog audit;
    private final List<Bundle> retiring = new ArrayList<>();
    private final ScheduledExecutorService timer;
    private final Configuration watcher;
    private final org.osgi.framework.ServiceRegistration<ArtifactInstaller> installer;
    private boolean closed;

    @Activate
    public PayloadDeployer(BundleContext context, @Reference LocalNode node, @Reference PayloadRunner runner,
            @Reference ConfigurationAdmin configurationAdmin, @Reference jqm.engine.audit.AuditLog audit) throws IOException {
        this.context = context;
        this.audit = audit;
        this.node = node;
        this.runner = runner;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "jqm-payload-retire"));
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = t;
        timer.scheduleWithFixedDelay(this::retireIdle, 1, 1, TimeUnit.SECONDS);
        Files.createDirectories(node.payloadsDir());
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("felix.fileinstall.dir", node.payloadsDir().toString());
        props.put("felix.fileinstall.filter", ".*\\.jar");
        props.put("felix.fileinstall.poll", "1000");
        props.put("felix.fileinstall.noInitialDelay", "true");
        this.watcher = configurationAdmin.getFactoryConfiguration(WATCHER_PID, "jqm-payloads", "?");
        this.installer = context.registerService(ArtifactInstaller.class, this, null);
        watcher.update(props);
        LOG.info("Deploying payload bundles from {}", node.payloadsDir());
    }

    @Deactivate
    synchronized void deactivate() {
        closed = true;
        timer.shutdownNow();
        try {
            installer.unregister();
        } catch (IllegalStateException e) {
            LOG.debug("Payload installer already unregistered", e);
        }
        try {
            watcher.delete();
        } catch (IOException | IllegalStateException e) {
            LOG.debug("Payload watcher configuration already gone", e);
        }
    }

    /** A payload bundle as operators see it. */
    public record Payload(String file, String symbolicName, String version, String state, String signer) {
    }

    /** @return the payload bundles deployed from the folder, then those retiring */
    public synchronized List<Payload> payloads() {
        List<Payload> result = new ArrayList<>();
        deployed.forEach((f, b) -> result.add(new Payload(f.getName(), b.getSymbolicName(), b.getVersion().toString(), state(b),
                signers.getOrDefault(b.getBundleId(), "-"))));
        retiring.forEach(b -> result.add(new Payload("-", b.getSymbolicName(), b.getVersion().toString(),
                "RETIRING (" + runner.runningFrom(b) + " running)", signers.getOrDefault(b.getBundleId(), "-"))));
        return result;
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
        case Bundle.ACTIVE -> "ACTIVE";
        case Bundle.RESOLVED -> "RESOLVED";
        case Bundle.INSTALLED -> "INSTALLED";
        case Bundle.STARTING -> "STARTING";
        case Bundle.STOPPING -> "STOPPING";
        default -> "UNINSTALLED";
        };
    }

    /**
     * Copies a jar into the payloads folder (in one step, so that the watcher never sees half a file)
     * and waits up to the timeout for it to be deployed.
     *
     * @return the deployed bundle's symbolic name and version
     * @throws IllegalArgumentException when the file is not a jar or not deployed in time
     */
    public String deploy(java.nio.file.Path jar, long timeoutMs) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar) || !jar.getFileName().toString().endsWith(".jar")) {
            throw new IllegalArgumentException(jar + " is not a .jar file");
        }
        java.nio.file.Path target = node.payloadsDir().resolve(jar.getFileName());
        java.nio.file.Path tmp = node.payloadsDir().resolve("." + jar.getFileName() + ".part");
        Files.copy(jar, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Bundle before;
        synchronized (this) {
            before = deployed.get(target.toFile());
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            synchronized (this) {
                Bundle now = deployed.get(target.toFile());
                if (now != null && now != before) {
                    return now.getSymbolicName() + " " + now.getVersion();
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalArgumentException(jar.getFileName() + " was copied to " + node.payloadsDir()
                + " but not deployed: see the node's log");
    }

    /**
     * Removes a jar from the payloads folder; its bundle retires once its running instances end.
     *
     * @throws IllegalArgumentException when there is no such jar there
     */
    public void undeploy(String fileName) throws IOException {
        java.nio.file.Path target = node.payloadsDir().resolve(fileName).normalize();
        if (!target.getParent().equals(node.payloadsDir()) || !Files.isRegularFile(target)) {
            throw new IllegalArgumentException("There is no payload " + fileName + " in " + node.payloadsDir());
        }
        Files.delete(target);
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar") && !artifact.getName().startsWith(".") && artifact.toPath().toAbsolutePath().normalize().getParent()
                .equals(node.payloadsDir());
    }

    @Override
    public synchronized void install(File artifact) throws Exception {
        if (closed) {
            return;
        }
        Bundle b = installAndStart(artifact);
        Bundle previous = deployed.put(artifact, b);
        if (previous != null) {
            retire(previous);
        }
    }

    @Override
    public synchronized void update(File artifact) throws Exception {
        if (closed) {
            return;
        }
        Bundle b = installAndStart(artifact);
        Bundle previous = deployed.put(artifact, b);
        if (previous != null) {
            LOG.info("Payload {} updated to {} {}; {} {} retires after its running instances", artifact.getName(),
                    b.getSymbolicName(), b.getVersion(), previous.getSymbolicName(), previous.getVersion());
            retire(previous);
        }
    }

    @Override
    public synchronized void uninstall(File artifact) throws Exception {
        if (closed) {
            return;
        }
        Bundle previous = deployed.remove(artifact);
        if (previous != null) {
            LOG.info("Payload {} removed; {} {} retires after its running instances", artifact.getName(),
                    previous.getSymbolicName(), previous.getVersion());
            retire(previous);
        }
    }

    private Bundle installAndStart(File artifact) throws IOException, BundleException {
        String signer;
        if (node.requireSignedPayloads()) {
            try {
                signer = PayloadSignature.verify(artifact.toPath(), node.payloadSigners()).getSubjectX500Principal().getName();
            } catch (SecurityException e) {
                LOG.error("Payload {} is refused and not deployed (payloads.requireSigned=true): {}", artifact.getName(), e.getMessage());
                audit.record("payload " + artifact.getName() + " refused: " + e.getMessage());
                throw new BundleException("Refused: " + e.getMessage());
            }
        } else {
            try {
                signer = PayloadSignature.signer(artifact.toPath()).map(c -> c.getSubjectX500Principal().getName()).orElse("unsigned");
            } catch (SecurityException e) {
                signer = "signature broken: " + e.getMessage();
            }
        }
        try (JarFile jar = new JarFile(artifact)) {
            Manifest m = jar.getManifest();
            if (m == null || m.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                LOG.error("Payload {} is not deployed: it is not an OSGi bundle (no Bundle-SymbolicName in its manifest)",
                        artifact.getName());
                throw new BundleException("Not a bundle: " + artifact.getName());
            }
        }
        String location = "jqm-payload:" + artifact.getAbsolutePath() + "@" + artifact.lastModified() + "-" + System.nanoTime();
        Bundle b;
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            b = context.installBundle(location, in);
        }
        try {
            b.adapt(BundleStartLevel.class).setStartLevel(PAYLOAD_START_LEVEL);
            b.start();
        } catch (BundleException | RuntimeException e) {
            LOG.error("Payload {} could not be started and is not deployed: {}", artifact.getName(), e.getMessage());
            b.uninstall();
            throw e;
        }
        LOG.info("Payload {} deployed: {} {}, signed by {}", artifact.getName(), b.getSymbolicName(), b.getVersion(), signer);
        signers.put(b.getBundleId(), signer);
        return b;
    }

    /** Stops a payload bundle now (no new instance runs its code) and uninstalls it once none runs it. */
    private void retire(Bundle b) {
        try {
            b.stop();
        } catch (BundleException | IllegalStateException e) {
            LOG.debug("Could not stop {}", b, e);
        }
        retiring.add(b);
        retireIdle();
    }

    private synchronized void retireIdle() {
        retiring.removeIf(b -> {
            if (b.getState() == Bundle.UNINSTALLED) {
                return true;
            }
            if (runner.runningFrom(b) > 0) {
                return false;
            }
            try {
                b.uninstall();
                signers.remove(b.getBundleId());
                LOG.info("Payload bundle {} {} uninstalled", b.getSymbolicName(), b.getVersion());
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("Could not uninstall {}: {}", b, e.getMessage());
            }
            return true;
        });
    }
}
