package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.security.Accounts;
import jqm.api.security.Role;

/**
 * HTTPS with client certificates: a certificate from the trusted CA authenticates the account named
 * by its CN; one from another CA, or none, is refused in the handshake; plain HTTP is off. Key stores
 * are made with the JDK's keytool; their passwords reach the node through files, never in the
 * configuration.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HttpsIT extends JqmTestSupport {
    private Path dir;

    private void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals("keytool " + String.join(" ", args) + ": " + out, 0, p.waitFor());
    }

    private Path secret(String name, String value) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, value + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private void makeStores() throws Exception {
        String ec = "-keyalg EC -groupname secp256r1 -validity 2 -storetype PKCS12";
        keytool(("-genkeypair -alias ca -dname CN=JQM-test-CA -ext bc:c -keystore ca.p12 -storepass capass " + ec).split(" "));
        keytool("-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", "capass", "-rfc", "-file", "ca.pem");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "trust.p12", "-storetype", "PKCS12",
                "-storepass", "trustpass");
        keytool(("-genkeypair -alias client -dname CN=certuser -keystore client.p12 -storepass clientpass " + ec).split(" "));
        keytool("-certreq", "-alias", "client", "-keystore", "client.p12", "-storepass", "clientpass", "-file", "client.csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", "capass", "-infile", "client.csr", "-outfile",
                "client.pem", "-rfc", "-validity", "2");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "client.p12", "-storepass",
                "clientpass");
        keytool("-importcert", "-alias", "client", "-file", "client.pem", "-keystore", "client.p12", "-storepass", "clientpass");
        keytool(("-genkeypair -alias rogue -dname CN=certuser -keystore rogue.p12 -storepass roguepass " + ec).split(" "));
        keytool(("-genkeypair -alias server -dname CN=localhost -ext san=ip:127.0.0.1,dns:localhost -keystore server.p12 "
                + "-storepass serverpass " + ec).split(" "));
        keytool("-exportcert", "-alias", "server", "-keystore", "server.p12", "-storepass", "serverpass", "-rfc", "-file",
                "server.pem");
    }

    private HttpClient client(String keystore, String password) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("server.pem"))) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        if (keystore != null) {
            try (InputStream in = Files.newInputStream(dir.resolve(keystore))) {
                ks.load(in, password.toCharArray());
            }
        } else {
            ks.load(null, null);
        }
        kmf.init(ks, password == null ? new char[0] : password.toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient c, String url) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void theConsoleTurnsHttpsWithClientCertificatesOnFromAFreshNode() throws Exception {
        service(Accounts.class).create("certuser", Set.of(Role.VIEWER), null);
        awaitService("(&(osgi.command.scope=jqm)(osgi.command.function=tlsinit))");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(out, true);
        org.apache.felix.service.command.CommandSession session = service(org.apache.felix.service.command.CommandProcessor.class)
                .createSession(new java.io.ByteArrayInputStream(new byte[0]), ps, ps);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String init = String.valueOf(session.execute("jqm:tlsinit -p " + port + " -c needs"));
        assertTrue(init, init.startsWith("HTTPS on port " + port));
        String issued = String.valueOf(session.execute("jqm:tlsclient certuser"));
        assertTrue(issued, issued.startsWith("Client certificate of certuser: "));
        String p12 = issued.substring("Client certificate of certuser: ".length(), issued.indexOf(" (PKCS12)"));
        String password = issued.substring(issued.lastIndexOf(' ') + 1).trim();
        session.close();
        dir = Paths.get(p12).getParent().getParent();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("server.pass"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Paths.get(p12))));
        String conf = Files.readString(dir.getParent().resolve("org.apache.felix.http.cfg"));
        assertTrue("no password in the configuration, only references", !conf.contains(Files.readString(dir.resolve("server.pass")).trim()));

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Paths.get(p12))) {
            ks.load(in, password.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password.toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpClient c = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();

        String url = "https://127.0.0.1:" + port + "/ws/simple/localnode/health";
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        HttpResponse<String> r = null;
        while (r == null || r.statusCode() == 404) {
            try {
                r = get(c, url);
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(300);
            }
        }
        assertEquals(r.body(), 200, r.statusCode());
    }

    @Test
    public void clientCertificatesFromTheTrustedCaAuthenticateOthersAreRefused() throws Exception {
        dir = Files.createDirectories(Paths.get(System.getProperty("jqm.it.work"), "tls-" + UUID.randomUUID()));
        makeStores();
        service(Accounts.class).create("certuser", Set.of(Role.VIEWER), null);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Dictionary<String, Object> https = new Hashtable<>();
        https.put("org.apache.felix.http.host", "127.0.0.1");
        https.put("org.apache.felix.https.enable", "true");
        https.put("org.osgi.service.http.port.secure", Integer.toString(port));
        https.put("org.apache.felix.https.keystore", dir.resolve("server.p12").toString());
        https.put("org.apache.felix.https.keystore.type", "PKCS12");
        https.put("org.apache.felix.https.keystore.password.file", secret("server.pass", "serverpass").toString());
        https.put("org.apache.felix.https.keystore.key.password.file", secret("server.key.pass", "serverpass").toString());
        https.put("org.apache.felix.https.truststore", dir.resolve("trust.p12").toString());
        https.put("org.apache.felix.https.truststore.type", "PKCS12");
        https.put("org.apache.felix.https.truststore.password.file", secret("trust.pass", "trustpass").toString());
        https.put("org.apache.felix.https.clientcertificate", "needs");
        service(ConfigurationAdmin.class).getConfiguration("org.apache.felix.http", "?").update(https);

        String url = "https://127.0.0.1:" + port + "/ws/simple/localnode/health";
        HttpClient trusted = client("client.p12", "clientpass");
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        HttpResponse<String> r = null;
        while (r == null || r.statusCode() == 404) {
            try {
                r = get(trusted, url);
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        assertEquals(r.body(), 200, r.statusCode());

        for (HttpClient refused : new HttpClient[] { client("rogue.p12", "roguepass"), client(null, null) }) {
            try {
                HttpResponse<String> bad = get(refused, url);
                fail("a certificate from another CA, or none, must be refused in the handshake, not answered " + bad.statusCode());
            } catch (IOException expected) {
                // refused in the TLS handshake
            }
        }

        String plain = "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/ws/simple/localnode/health";
        try {
            HttpResponse<String> open = get(HttpClient.newHttpClient(), plain);
            fail("plain HTTP must be off when HTTPS is on, not answer " + open.statusCode());
        } catch (ConnectException expected) {
            // nothing listens
        }
    }
}
