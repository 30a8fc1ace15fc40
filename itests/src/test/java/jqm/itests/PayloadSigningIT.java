package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.client.JobRequest;
import jqm.api.client.State;

/**
 * payloads.requireSigned: only a jar whose signature verifies against the trust store of payload
 * signers is deployed; an unsigned one, a tampered one and one signed by an unknown signer are refused
 * and nothing of them runs. Jars are signed with the JDK's jarsigner.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PayloadSigningIT extends JqmTestSupport {
    private Path dir;

    private void jdk(String tool, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", tool).toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(tool + " " + String.join(" ", args) + ": " + out, 0, p.waitFor());
    }

    private Path signedBy(String keystore, String alias, String name) throws Exception {
        Path jar = dir.resolve(name);
        Files.copy(TestBundles.jar("jqm.sample.hello").toPath(), jar, StandardCopyOption.REPLACE_EXISTING);
        jdk("jarsigner", "-keystore", keystore, "-storetype", "PKCS12", "-storepass", "password", jar.toString(), alias);
        return jar;
    }

    /** A copy of a signed jar with one entry's content changed after signing. */
    private Path tampered(Path signed) throws Exception {
        Path out = dir.resolve("tampered.jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(signed));
                OutputStream o = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(o, in.getManifest())) {
            JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                jar.putNextEntry(new JarEntry(e.getName()));
                byte[] content = in.readAllBytes();
                if (e.getName().endsWith(".xml")) {
                    content = new String(content, StandardCharsets.UTF_8).replace("HelloWorld", "HelloWorld").concat(" ")
                            .getBytes(StandardCharsets.UTF_8);
                }
                jar.write(content);
                jar.closeEntry();
            }
        }
        return out;
    }

    private Path payloads() throws Exception {
        return Paths.get((String) service(ConfigurationAdmin.class).getConfiguration("jqm.node", "?").getProperties()
                .get("payloads.dir"));
    }

    private void drop(Path jar, String name) throws Exception {
        Path tmp = payloads().resolveSibling(name + ".tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, payloads().resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private long helloBundles() {
        return Arrays.stream(context.getBundles()).filter(b -> "jqm.sample.hello".equals(b.getSymbolicName())).count();
    }

    @Test
    public void onlyJarsSignedByATrustedSignerAreDeployed() throws Exception {
        dir = Files.createDirectories(Paths.get(System.getProperty("jqm.it.work"), "signing-" + UUID.randomUUID()));
        String ec = "-keyalg EC -groupname secp256r1 -validity 2 -storetype PKCS12 -storepass password";
        jdk("keytool", ("-genkeypair -alias signer -dname CN=JQM-test-signer -keystore signer.p12 " + ec).split(" "));
        jdk("keytool", "-exportcert", "-rfc", "-alias", "signer", "-keystore", "signer.p12", "-storepass", "password", "-file",
                "signers.pem");
        jdk("keytool", ("-genkeypair -alias rogue -dname CN=Rogue -keystore rogue.p12 " + ec).split(" "));

        Configuration node = service(ConfigurationAdmin.class).getConfiguration("jqm.node", "?");
        Dictionary<String, Object> props = node.getProperties();
        Dictionary<String, Object> strict = new Hashtable<>();
        for (String k : java.util.Collections.list(props.keys())) {
            strict.put(k, props.get(k));
        }
        strict.put("payloads.requireSigned", true);
        strict.put("payloads.signers", dir.resolve("signers.pem").toString());
        node.update(strict);
        Thread.sleep(500);

        Path good = signedBy("signer.p12", "signer", "good.jar");
        drop(TestBundles.jar("jqm.sample.hello").toPath(), "unsigned.jar");
        drop(signedBy("rogue.p12", "rogue", "rogue.jar"), "rogue.jar");
        drop(tampered(good), "tampered.jar");
        Thread.sleep(3000); // more than FileInstall's poll: all three were seen
        assertEquals("nothing of a refused jar is installed", 0, helloBundles());

        drop(good, "good.jar");
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.getJobDefinitions().stream().noneMatch(d -> d.getApplicationName().equals("HelloWorld"))) {
            assertTrue("the signed payload is deployed", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        assertEquals(1, helloBundles());
        assertEquals(State.ENDED, awaitEnd(client.enqueue(JobRequest.of("HelloWorld"))).getState());
        Bundle b = Arrays.stream(context.getBundles()).filter(x -> "jqm.sample.hello".equals(x.getSymbolicName())).findFirst().get();
        assertTrue(b.getLocation(), b.getLocation().contains("good.jar"));

        awaitService("(&(osgi.command.scope=jqm)(osgi.command.function=payloads))");
        java.io.PrintStream ps = new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true);
        org.apache.felix.service.command.CommandSession session = service(org.apache.felix.service.command.CommandProcessor.class)
                .createSession(new java.io.ByteArrayInputStream(new byte[0]), ps, ps);
        String payloadList = String.valueOf(session.execute("jqm:payloads"));
        session.close();
        assertTrue("the console shows each payload's signer: " + payloadList,
                payloadList.matches("(?s).*\\ngood.jar\\s+jqm.sample.hello\\s+\\S+\\s+ACTIVE\\s+CN=JQM-test-signer.*"));

        Path audit = Paths.get((String) props.get("logs.root")).resolve("audit.log");
        String text = Files.readString(audit);
        assertTrue(text, text.contains("payload unsigned.jar refused: it is not signed"));
        assertTrue(text, text.contains("payload rogue.jar refused: its signer CN=Rogue is not among the trusted signers"));
        assertTrue(text, text.contains("payload tampered.jar refused: its content does not match its signature"));
    }
}
