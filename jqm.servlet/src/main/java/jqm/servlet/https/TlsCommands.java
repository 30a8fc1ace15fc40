package jqm.servlet.https;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Console commands that set HTTPS up from nothing with the JDK's keytool: a small CA of the node
 * (its key stays in {@code conf/tls/}), a server certificate it signs, a trust store of that CA for
 * client certificates, and client certificates for accounts. Every key store gets a generated
 * password kept in an owner-only file next to it, which the HTTP configuration names by reference.
 */
@Component(service = TlsCommands.class)
@GogoCommand(scope = "jqm", function = { "tlsinit", "tlsclient" })
public class TlsCommands {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,100}");

    private final Path conf;
    private final Path tls;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public TlsCommands(BundleContext context) {
        String dir = context.getProperty("felix.fileinstall.dir");
        this.conf = Paths.get(dir == null ? "conf" : dir).toAbsolutePath();
        this.tls = conf.resolve("tls");
    }

    @Descriptor("Creates the node's CA, server certificate and client trust store in conf/tls/, and turns HTTPS on (plain HTTP off)")
    public String tlsinit(
            @Descriptor("the HTTPS port") @Parameter(names = { "-p", "--port" }, absentValue = "1790") int port,
            @Descriptor("client certificates: needs, wants or none") @Parameter(names = { "-c", "--client-certificates" }, absentValue = "wants") String clientCertificates,
            @Descriptor("other host names or addresses the server certificate is for, comma separated") @Parameter(names = { "--san" }, absentValue = "") String san)
            throws Exception {
        if (!List.of("needs", "wants", "none").contains(clientCertificates)) {
            throw new IllegalArgumentException("Client certificates are 'needs', 'wants' or 'none', not '" + clientCertificates + "'");
        }
        if (Files.exists(tls.resolve("server.p12"))) {
            throw new IllegalArgumentException(tls.resolve("server.p12") + " exists already: remove conf/tls/ to start over");
        }
        Files.createDirectories(tls, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        // Passwords reach keytool through their owner-only files, never on a command line others can see.
        password("ca.pass");
        password("server.pass");
        password("trust.pass");
        String ec = "-keyalg EC -groupname secp256r1 -storetype PKCS12";
        keytool(("-genkeypair -alias ca -dname CN=JQM-node-CA -ext bc:c -validity 3650 -keystore ca.p12 " + ec).split(" "), "-storepass:file", "ca.pass");
        keytool("-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-storepass:file", "ca.pass", "-rfc", "-file", "ca.pem");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "trust.p12", "-storetype", "PKCS12",
                "-storepass:file", "trust.pass");
        StringBuilder names = new StringBuilder("ip:127.0.0.1,dns:localhost,dns:" + InetAddress.getLocalHost().getHostName());
        for (String s : san.split(",")) {
            if (!s.isBlank()) {
                names.append(',').append(s.trim().matches("[0-9.:]+") ? "ip:" : "dns:").append(s.trim());
            }
        }
        keytool(("-genkeypair -alias server -dname CN=jqm-node -validity 825 -keystore server.p12 " + ec).split(" "), "-storepass:file",
                "server.pass");
        keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-storepass:file", "server.pass", "-file", "server.csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass:file", "ca.pass", "-infile", "server.csr", "-outfile",
                "server.pem", "-rfc", "-validity", "825", "-ext", "san=" + names, "-ext", "eku=serverAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "server.p12", "-storepass:file", "server.pass");
        keytool("-importcert", "-alias", "server", "-file", "server.pem", "-keystore", "server.p12", "-storepass:file", "server.pass");
        Files.deleteIfExists(tls.resolve("server.csr"));

        Path http = conf.resolve("org.apache.felix.http.cfg");
        Properties p = new Properties();
        if (Files.exists(http)) {
            try (Reader r = Files.newBufferedReader(http)) {
                p.load(r);
            }
        }
        p.setProperty("org.apache.felix.https.enable", "true");
        p.setProperty("org.osgi.service.http.port.secure", Integer.toString(port));
        p.setProperty("org.apache.felix.https.keystore", tls.resolve("server.p12").toString());
        p.setProperty("org.apache.felix.https.keystore.type", "PKCS12");
        p.setProperty("org.apache.felix.https.keystore.password.file", tls.resolve("server.pass").toString());
        p.setProperty("org.apache.felix.https.keystore.key.password.file", tls.resolve("server.pass").toString());
        p.setProperty("org.apache.felix.https.truststore", tls.resolve("trust.p12").toString());
        p.setProperty("org.apache.felix.https.truststore.type", "PKCS12");
        p.setProperty("org.apache.felix.https.truststore.password.file", tls.resolve("trust.pass").toString());
        p.setProperty("org.apache.felix.https.clientcertificate", clientCertificates);
        write(http, p);
        return "HTTPS on port " + port + " (plain HTTP off), client certificates: " + clientCertificates + ".\n"
                + "Clients trust " + tls.resolve("ca.pem") + "; issue client certificates with jqm:tlsclient ACCOUNT.";
    }

    @Descriptor("Issues a client certificate for an account (its CN is the account name), signed by the node's CA, as a PKCS12 file")
    public String tlsclient(@Descriptor("the account name") String account) throws Exception {
        if (!NAME.matcher(account).matches()) {
            throw new IllegalArgumentException("'" + account + "' is not an account name");
        }
        if (!Files.exists(tls.resolve("ca.p12"))) {
            throw new IllegalArgumentException("The node has no CA yet: run jqm:tlsinit first");
        }
        Path clients = Files.createDirectories(tls.resolve("clients"));
        String pass = newPassword();
        String passFile = "clients/." + account + ".pass";
        Files.deleteIfExists(tls.resolve(passFile));
        Files.createFile(tls.resolve(passFile), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tls.resolve(passFile), pass + "\n");
        String file = "clients/" + account + ".p12";
        Files.deleteIfExists(tls.resolve(file));
        keytool(("-genkeypair -alias " + account + " -keyalg EC -groupname secp256r1 -storetype PKCS12 -keystore " + file).split(" "),
                "-dname", "CN=" + account, "-storepass:file", passFile);
        keytool("-certreq", "-alias", account, "-keystore", file, "-storepass:file", passFile, "-file", "clients/" + account + ".csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass:file", "ca.pass", "-infile", "clients/" + account + ".csr",
                "-outfile", "clients/" + account + ".pem", "-rfc", "-validity", "825", "-ext", "eku=clientAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", file, "-storepass:file", passFile);
        keytool("-importcert", "-alias", account, "-file", "clients/" + account + ".pem", "-keystore", file, "-storepass:file", passFile);
        Files.deleteIfExists(clients.resolve(account + ".csr"));
        Files.deleteIfExists(tls.resolve(passFile));
        Files.setPosixFilePermissions(tls.resolve(file), PosixFilePermissions.fromString("rw-------"));
        return "Client certificate of " + account + ": " + tls.resolve(file) + " (PKCS12), password (shown once): " + pass;
    }

    private void password(String file) throws IOException {
        String p = newPassword();
        Path f = tls.resolve(file);
        Files.deleteIfExists(f);
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, p + "\n");
    }

    private String newPassword() {
        byte[] b = new byte[18];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private void keytool(String[] args, String... more) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        keytool(all.toArray(new String[0]));
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(tls.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out.trim());
        }
    }

    private void write(Path file, Properties p) throws IOException {
        Path tmp = Files.createTempFile(conf, ".http", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "HTTPS turned on by jqm:tlsinit");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
