package jqm.jmx.connector;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.security.Accounts;
import jqm.jmx.access.AccountAuthenticator;
import jqm.jmx.access.CurrentRoles;
import jqm.jmx.access.PasswordFileAuthenticator;
import jqm.jmx.access.RoleAccess;

/**
 * Remote JMX for the node: the platform MBean server (the node's {@code jqm:*} beans, and the JVM's)
 * through a JMX RMI connector server on two fixed ports, a registry and the connector itself, so that
 * a firewall can be written for them. Bound to 127.0.0.1 unless configured; TLS on unless configured
 * off (then on loopback only); authentication always, against the node's accounts or a JDK
 * password/access file pair. A configuration that cannot be honoured (no key store, no password,
 * plain sockets on a non-loopback interface...) is refused: nothing listens, and the log says why.
 * Changing {@code jqm.jmx} restarts the connector; deactivating it closes both ports.
 */
@Component(configurationPid = RemoteJmx.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true, service = {})
@Designate(ocd = RemoteJmx.Config.class)
public class RemoteJmx {
    public static final String PID = "jqm.jmx";
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJmx.class);
    private static final String HTTP_PID = "org.apache.felix.http";

    @ObjectClassDefinition(name = "JQM remote JMX", description = "The remote JMX connector of the node (bundle jqm.jmx, running while jmx=true in jqm.features)")
    public @interface Config {
        @AttributeDefinition(name = "Interface", description = "The address both ports listen on. Any other than loopback exposes JMX to the network; "
                + "clients are sent to the address the JVM's java.rmi.server.hostname names, which must be this one")
        String host() default "127.0.0.1";

        @AttributeDefinition(name = "Registry port", description = "The RMI registry where clients look the connector up (JConsole's HOST:PORT)", min = "1", max = "65535")
        int registry_port() default 1791;

        @AttributeDefinition(name = "Connector port", description = "The connector server's own port", min = "1", max = "65535")
        int server_port() default 1792;

        @AttributeDefinition(name = "TLS", description = "false: plain sockets, refused unless the interface is a loopback one, and warned about at every start")
        boolean tls() default true;

        @AttributeDefinition(name = "Client certificates", description = "needs: refused in the TLS handshake without a certificate signed by a CA of the trust store", options = {
                @Option(label = "needs", value = "needs"), @Option(label = "none", value = "none") })
        String clientcertificate() default "none";

        @AttributeDefinition(name = "Key store", description = "The connector's key store; empty: the HTTPS one (org.apache.felix.https.keystore, as jqm:tlsinit sets it)", required = false)
        String keystore() default "";

        @AttributeDefinition(name = "Key store type", required = false)
        String keystore_type() default "PKCS12";

        @AttributeDefinition(name = "Key store password file", description = "A file whose first line is the key store's password", required = false)
        String keystore_password_file() default "";

        @AttributeDefinition(name = "Key store password", description = "Only as ${env:NAME}: never in clear in conf/", type = AttributeType.PASSWORD, required = false)
        String keystore_password() default "";

        @AttributeDefinition(name = "Key password file", description = "The key's password, when it is not the key store's", required = false)
        String keystore_key_password_file() default "";

        @AttributeDefinition(name = "Key password", type = AttributeType.PASSWORD, required = false)
        String keystore_key_password() default "";

        @AttributeDefinition(name = "Trust store", description = "CAs of the client certificates; empty: the HTTPS one (org.apache.felix.https.truststore)", required = false)
        String truststore() default "";

        @AttributeDefinition(name = "Trust store type", required = false)
        String truststore_type() default "PKCS12";

        @AttributeDefinition(name = "Trust store password file", required = false)
        String truststore_password_file() default "";

        @AttributeDefinition(name = "Trust store password", description = "Only as ${env:NAME}", type = AttributeType.PASSWORD, required = false)
        String truststore_password() default "";

        @AttributeDefinition(name = "JDK password file", description = "With access.file: the JDK's standard JMX password file instead of the node's accounts (owner-only; clear passwords in it are replaced by hashes)", required = false)
        String password_file() default "";

        @AttributeDefinition(name = "JDK access file", description = "With password.file: the JDK's JMX access file (readonly / readwrite per name)", required = false)
        String access_file() default "";
    }

    private final Connector connector;
    private final String where;

    @Activate
    public RemoteJmx(Config config, @Reference Accounts accounts, @Reference ConfigurationAdmin configurationAdmin) throws Exception {
        try {
            InetAddress address = InetAddress.getByName(config.host());
            checkPort("registry.port", config.registry_port());
            checkPort("server.port", config.server_port());
            String advertised = advertisedHost(address);
            boolean needs = switch (config.clientcertificate()) {
            case "needs" -> true;
            case "none", "" -> false;
            default -> throw new IllegalArgumentException("clientcertificate is 'needs' or 'none', not '" + config.clientcertificate() + "'");
            };
            BoundServerSockets sockets;
            String transport;
            if (config.tls()) {
                TlsMaterial tls = TlsMaterial.load(own(config), httpsConfiguration(configurationAdmin), needs);
                sockets = BoundServerSockets.tls(address, tls.context, needs);
                transport = "TLS (" + tls.description + "; client certificates: " + (needs ? "needed" : "not asked") + ")";
            } else {
                if (!address.isLoopbackAddress()) {
                    throw new IllegalArgumentException("tls=false is refused on " + address.getHostAddress()
                            + ": plain remote JMX is allowed on a loopback interface only");
                }
                if (needs) {
                    throw new IllegalArgumentException("clientcertificate=needs requires tls=true");
                }
                sockets = BoundServerSockets.plain(address);
                transport = "PLAIN (no TLS)";
            }
            Connector.Authentication authentication;
            String who;
            if (config.password_file().isBlank() && config.access_file().isBlank()) {
                CurrentRoles roles = new CurrentRoles(accounts);
                authentication = new Connector.Authentication(new AccountAuthenticator(accounts, roles), RoleAccess.forwarder(roles), null);
                who = "the node's accounts (VIEWER: read-only; OPERATOR: also queue and job instance operations; ADMINISTRATOR: read-write)";
            } else {
                authentication = files(config);
                who = "the JDK password file " + config.password_file() + " and access file " + config.access_file();
            }
            this.connector = Connector.start(ManagementFactory.getPlatformMBeanServer(), address, config.registry_port(),
                    config.server_port(), sockets, config.tls(), authentication);
            String h = advertised.contains(":") ? "[" + advertised + "]" : advertised;
            this.where = address.getHostAddress() + " ports " + config.registry_port() + " (registry) and " + config.server_port() + " (connector)";
            if (!config.tls()) {
                LOG.warn("REMOTE JMX WITHOUT TLS (jqm.jmx tls=false): passwords and data cross {} in clear", address.getHostAddress());
            }
            LOG.info("Remote JMX listening on {}, {}, authentication by {}. Connect to service:jmx:rmi://{}:{}/jndi/rmi://{}:{}/{} "
                    + "(JConsole, VisualVM: {}:{})", where, transport, who, h, config.server_port(), h, config.registry_port(),
                    Connector.BINDING, h, config.registry_port());
        } catch (Exception e) {
            LOG.error("Remote JMX NOT started, nothing listens: {}", e.getMessage() == null ? e.toString() : e.getMessage());
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        connector.close();
        LOG.info("Remote JMX stopped: {} closed", where);
    }

    private static void checkPort(String key, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(key + " must be a fixed port, 1 to 65535, not " + port);
        }
    }

    /**
     * The host RMI writes into the references it hands to clients: the JVM's
     * {@code java.rmi.server.hostname}, or else this machine's address. Clients connect there, so it
     * must be the address the sockets listen on.
     */
    private static String advertisedHost(InetAddress bound) throws UnknownHostException {
        String property = System.getProperty("java.rmi.server.hostname");
        String host = property != null ? property : InetAddress.getLocalHost().getHostAddress();
        if (bound.isAnyLocalAddress()) {
            if (InetAddress.getByName(host).isLoopbackAddress()) {
                LOG.warn("Remote JMX listens on every interface but tells clients to connect to {}, a loopback address: only local "
                        + "clients will reach it. Start the node with -Djava.rmi.server.hostname=NAME (JQM_JAVA_OPTS)", host);
            }
            return host;
        }
        if (Arrays.stream(InetAddress.getAllByName(host)).noneMatch(bound::equals)) {
            throw new IllegalStateException("the connector would listen on " + bound.getHostAddress() + " but tell clients to connect to "
                    + host + (property == null ? " (this machine's address)" : " (java.rmi.server.hostname)")
                    + ": start the node with -Djava.rmi.server.hostname=" + bound.getHostAddress() + " (JQM_JAVA_OPTS), or set host");
        }
        return host;
    }

    private static Connector.Authentication files(Config config) throws IOException {
        if (config.password_file().isBlank() || config.access_file().isBlank()) {
            throw new IllegalArgumentException("password.file and access.file go together: set both, or neither to use the node's accounts");
        }
        Path passwords = Paths.get(config.password_file()).toAbsolutePath();
        Path access = Paths.get(config.access_file()).toAbsolutePath();
        for (Path p : new Path[] { passwords, access }) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read " + p);
            }
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(passwords);
            if (!Collections.disjoint(perms, Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE))) {
                throw new IllegalArgumentException("the password file " + passwords + " is readable or writable by other accounts: chmod 600 it");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        return new Connector.Authentication(new PasswordFileAuthenticator(passwords), null, access.toString());
    }

    /** @return the TLS keys of this configuration, by the names they have in conf/jqm.jmx.cfg */
    private static Map<String, String> own(Config c) {
        Map<String, String> m = new HashMap<>();
        m.put("keystore", c.keystore());
        m.put("keystore.type", c.keystore_type());
        m.put("keystore.password.file", c.keystore_password_file());
        m.put("keystore.password", c.keystore_password());
        m.put("keystore.key.password.file", c.keystore_key_password_file());
        m.put("keystore.key.password", c.keystore_key_password());
        m.put("truststore", c.truststore());
        m.put("truststore.type", c.truststore_type());
        m.put("truststore.password.file", c.truststore_password_file());
        m.put("truststore.password", c.truststore_password());
        return m;
    }

    /** @return the HTTPS keys of the HTTP configuration, as stored (secrets still by reference) */
    private static Map<String, String> httpsConfiguration(ConfigurationAdmin ca) throws IOException, InvalidSyntaxException {
        Map<String, String> m = new HashMap<>();
        Configuration[] found = ca.listConfigurations("(service.pid=" + HTTP_PID + ")");
        if (found != null && found.length > 0 && found[0].getProperties() != null) {
            Dictionary<String, Object> d = found[0].getProperties();
            for (String k : Collections.list(d.keys())) {
                if (k.startsWith(TlsMaterial.HTTPS)) {
                    m.put(k, String.valueOf(d.get(k)));
                }
            }
        }
        return m;
    }
}
