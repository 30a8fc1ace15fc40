package jqm.jmx.connector;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.security.SecretFile;

/**
 * The key store of the connector (and the trust store of client certificates): those named in
 * {@code jqm.jmx}, or else the node's HTTPS ones, read from the HTTP configuration
 * ({@code org.apache.felix.https.keystore}...) as {@code jqm:tlsinit} writes it. Passwords come from
 * a file ({@code ....password.file}, first line) or from the configuration, where they should stand
 * as {@code ${env:NAME}}, never in clear.
 */
final class TlsMaterial {
    private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
    static final String HTTPS = "org.apache.felix.https.";

    final SSLContext context;
    final String description;

    private TlsMaterial(SSLContext context, String description) {
        this.context = context;
        this.description = description;
    }

    /**
     * @param own the keys of {@code jqm.jmx}
     * @param https the HTTP configuration's keys, empty when there is none
     * @param clientCertificates whether client certificates are checked, which needs a trust store
     * @throws IllegalStateException when a store or a password is missing, saying which and how to set it
     */
    static TlsMaterial load(Map<String, String> own, Map<String, String> https, boolean clientCertificates)
            throws IOException, GeneralSecurityException {
        Store keys = Store.of("keystore", own, https);
        if (keys == null) {
            throw new IllegalStateException("TLS needs a key store and none is set: run jqm:tlsinit (the node's HTTPS set-up, "
                    + "which the connector shares), or set keystore and keystore.password.file in conf/jqm.jmx.cfg");
        }
        KeyStore ks = keys.load();
        char[] keyPassword = keys.secret("keystore.key").orElse(keys.password);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, keyPassword);
        String description = "key store " + keys.path + keys.origin();
        TrustManagerFactory tmf = null;
        if (clientCertificates) {
            Store trust = Store.of("truststore", own, https);
            if (trust == null) {
                throw new IllegalStateException("Client certificates need a trust store and none is set: set truststore and "
                        + "truststore.password.file in conf/jqm.jmx.cfg (jqm:tlsinit makes conf/tls/trust.p12)");
            }
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust.load());
            description += ", client certificates trusted by " + trust.path + trust.origin();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return new TlsMaterial(context, description);
    }

    /** A key or trust store as one configuration names it: its path, type and password. */
    private static final class Store {
        final String kind;
        final Map<String, String> conf;
        final String prefix;
        final Path path;
        final char[] password;

        private Store(String kind, Map<String, String> conf, String prefix) {
            this.kind = kind;
            this.conf = conf;
            this.prefix = prefix;
            this.path = Paths.get(conf.get(prefix + kind)).toAbsolutePath();
            this.password = secret(kind).orElseThrow(() -> new IllegalStateException("No password for the " + kind + " " + path
                    + ": set " + prefix + kind + ".password.file (a file holding it) or " + prefix + kind + ".password=${env:NAME}"));
        }

        /** @return the store named by the connector's own configuration, else by the HTTPS one, else null */
        static Store of(String kind, Map<String, String> own, Map<String, String> https) {
            if (!own.getOrDefault(kind, "").isBlank()) {
                return new Store(kind, own, "");
            }
            if (!https.getOrDefault(HTTPS + kind, "").isBlank()) {
                return new Store(kind, https, HTTPS);
            }
            return null;
        }

        String origin() {
            return prefix.isEmpty() ? "" : " (the HTTPS one)";
        }

        KeyStore load() throws IOException, GeneralSecurityException {
            String type = conf.getOrDefault(prefix + kind + ".type", "");
            KeyStore ks = KeyStore.getInstance(type.isBlank() ? "PKCS12" : type);
            try (InputStream in = Files.newInputStream(path)) {
                ks.load(in, password);
            } catch (IOException e) {
                throw new IOException("Cannot read the " + kind + " " + path + ": " + e.getMessage(), e);
            }
            return ks;
        }

        /** @return the secret of KEY: the first line of the file KEY.password.file, else KEY.password */
        java.util.Optional<char[]> secret(String key) {
            String file = conf.getOrDefault(prefix + key + ".password.file", "");
            if (!file.isBlank()) {
                return java.util.Optional.of(read(Paths.get(file).toAbsolutePath()).toCharArray());
            }
            String value = conf.getOrDefault(prefix + key + ".password", "");
            return value.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(value.toCharArray());
        }
    }

    private static String read(Path path) {
        SecretFile file = new SecretFile(path);
        try {
            if (file.readableByOthers()) {
                LOG.warn("The secret file {} is readable by other accounts: chmod 600 it", file.path());
            }
            return file.read();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the secret file " + file.path() + ": " + e);
        }
    }
}
