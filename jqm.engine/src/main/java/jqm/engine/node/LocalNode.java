package jqm.engine.node;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

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

import jqm.engine.store.Store;

/**
 * This node: its name, its registration in the cluster's database when it starts, and the recovery
 * of the instances a previous life of the node left behind.
 */
@Component(service = LocalNode.class, configurationPid = LocalNode.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = LocalNode.Config.class)
public class LocalNode {
    public static final String PID = "jqm.node";

    private static final Logger LOG = LoggerFactory.getLogger(LocalNode.class);

    @ObjectClassDefinition(name = "JQM node", description = "This node's identity in the cluster")
    public @interface Config {
        @AttributeDefinition(name = "Node name", description = "Unique in the cluster. Empty: the host name.")
        String name() default "";

        @AttributeDefinition(name = "Default slots", description = "Concurrent instances of the DEFAULT queue given to this node when it is created", min = "1")
        int default_slots() default 4;

        @AttributeDefinition(name = "Default polling interval (ms)", description = "Polling interval of the DEFAULT queue given to this node when it is created", min = "100")
        long default_polling_ms() default 1000;

        @AttributeDefinition(name = "Stop timeout (s)", description = "How long a stopping node waits for its running instances", min = "0")
        int stop_timeout_seconds() default 30;

        @AttributeDefinition(name = "Logs root", description = "Where instance log files are written; relative to the node root")
        String logs_root() default "logs";

        @AttributeDefinition(name = "Files root", description = "Where deliverables and instance work folders are kept; relative to the node root")
        String files_root() default "files";

        @AttributeDefinition(name = "Payloads folder", description = "Payload bundles dropped here are deployed, replaced ones updated, removed ones undeployed; relative to the node root")
        String payloads_dir() default "payloads";

        @AttributeDefinition(name = "Strict", description = "true: the node refuses to start when its installation has a problem (configuration readable by others, a folder others can write, a secret in clear text, running as root) instead of warning")
        boolean strict() default false;

        @AttributeDefinition(name = "Require signed payloads", description = "true: a payload bundle is deployed only if its jar signature verifies against the trust store of payload signers")
        boolean payloads_requireSigned() default false;

        @AttributeDefinition(name = "Payload signers", description = "A file of PEM certificates allowed to sign payloads (or to issue their signers' certificates); relative to the node root")
        String payloads_signers() default "conf/payload-signers.pem";

        @AttributeDefinition(name = "Initial password file", description = "Where the generated password of the first administrator account is written (owner-only), on the first start of a cluster; relative to the node root")
        String initial_password_file() default "initial-admin-password.txt";

        @AttributeDefinition(name = "Heartbeat period (s)", description = "How often the node tells the cluster it is alive", min = "1")
        int heartbeat_seconds() default 10;

        @AttributeDefinition(name = "Dead after (s)", description = "A node silent for this long is dead: a live node ends its attributed and running instances CRASHED. Also how old a claim of this node's that none of its runners has must be before the node ends it CRASHED", min = "5")
        int dead_after_seconds() default 60;

        @AttributeDefinition(name = "Refresh period (s)", description = "How often the node rereads its queue mappings from the database (changes made through this node apply at once)", min = "1")
        int refresh_seconds() default 30;
    }

    private final String name;
    private volatile int stopTimeoutSeconds;
    private final int refreshSeconds;
    private final int heartbeatSeconds;
    private volatile int deadAfterSeconds;
    private final Path logsRoot;
    private final Path payloadsDir;
    private final Path initialPasswordFile;
    private volatile boolean requireSignedPayloads;
    private volatile Path payloadSigners;
    private final Path filesRoot;

    @Activate
    public LocalNode(Config config, @Reference Store store) {
        this.name = config.name().isBlank() ? hostName() : config.name().trim();
        this.stopTimeoutSeconds = config.stop_timeout_seconds();
        this.refreshSeconds = config.refresh_seconds();
        this.heartbeatSeconds = config.heartbeat_seconds();
        this.deadAfterSeconds = config.dead_after_seconds();
        this.requireSignedPayloads = config.payloads_requireSigned();
        this.payloadSigners = Paths.get(config.payloads_signers()).toAbsolutePath().normalize();
        this.initialPasswordFile = Paths.get(config.initial_password_file()).toAbsolutePath().normalize();
        this.payloadsDir = Paths.get(config.payloads_dir()).toAbsolutePath().normalize();
        this.logsRoot = Paths.get(config.logs_root()).toAbsolutePath().normalize();
        this.filesRoot = Paths.get(config.files_root()).toAbsolutePath().normalize();
        List<Long> crashed = store.registerNode(name, config.default_slots(), config.default_polling_ms());
        if (!crashed.isEmpty()) {
            LOG.warn("Node {} found {} instance(s) left attributed or running by its previous run and marked them CRASHED: {}",
                    name, crashed.size(), crashed);
        }
        LOG.info("Node {} registered", name);
    }

    /**
     * Applies a changed configuration without restarting the engine (which would make running
     * instances wait for the stop timeout): the stop timeout and the dead-after time apply at once;
     * the name, folders and periods at the next start, as the log says.
     */
    @Modified
    void modified(Config config) {
        this.stopTimeoutSeconds = config.stop_timeout_seconds();
        this.deadAfterSeconds = config.dead_after_seconds();
        this.requireSignedPayloads = config.payloads_requireSigned();
        this.payloadSigners = Paths.get(config.payloads_signers()).toAbsolutePath().normalize();
        String newName = config.name().isBlank() ? hostName() : config.name().trim();
        if (!newName.equals(name) || !Paths.get(config.logs_root()).toAbsolutePath().normalize().equals(logsRoot)
                || !Paths.get(config.files_root()).toAbsolutePath().normalize().equals(filesRoot)
                || !Paths.get(config.payloads_dir()).toAbsolutePath().normalize().equals(payloadsDir)
                || config.heartbeat_seconds() != heartbeatSeconds || config.refresh_seconds() != refreshSeconds) {
            LOG.warn("Node {}: a change of name, folders or periods in conf/jqm.node.cfg takes effect at the next start", name);
        }
        LOG.info("Node {}: stop timeout {} s, dead after {} s", name, stopTimeoutSeconds, deadAfterSeconds);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** @return the node's name, unique in the cluster */
    public String name() {
        return name;
    }

    /** @return how often the node tells the cluster it is alive, in seconds */
    public int heartbeatSeconds() {
        return heartbeatSeconds;
    }

    /** @return after how many silent seconds another node is considered dead */
    public int deadAfterSeconds() {
        return deadAfterSeconds;
    }

    /** @return whether payload bundles must be signed by a trusted signer to be deployed */
    public boolean requireSignedPayloads() {
        return requireSignedPayloads;
    }

    /** @return the file of trusted payload signers' certificates, absolute */
    public Path payloadSigners() {
        return payloadSigners;
    }

    /** @return where the first administrator's generated password is written, absolute */
    public Path initialPasswordFile() {
        return initialPasswordFile;
    }

    /** @return the folder of payload bundles, absolute */
    public Path payloadsDir() {
        return payloadsDir;
    }

    /** @return where instance log files are written, absolute */
    public Path logsRoot() {
        return logsRoot;
    }

    /** @return where deliverables and work folders are kept, absolute */
    public Path filesRoot() {
        return filesRoot;
    }

    /** @return how often the node rereads its queue mappings, in seconds */
    public int refreshSeconds() {
        return refreshSeconds;
    }

    /** @return how long a stopping node waits for its running instances, in seconds */
    public int stopTimeoutSeconds() {
        return stopTimeoutSeconds;
    }
}
