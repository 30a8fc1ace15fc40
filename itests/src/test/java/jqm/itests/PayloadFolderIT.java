package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.State;

/**
 * Payload bundles deployed, updated and removed through the node's payloads folder, while instances
 * run: an update never breaks an instance running on the old version.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PayloadFolderIT extends JqmTestSupport {

    private Path payloads() throws Exception {
        return Paths.get((String) service(ConfigurationAdmin.class).getConfiguration("jqm.node", "?").getProperties()
                .get("payloads.dir"));
    }

    /** The sample payload jar with another Bundle-Version: a second version of the same payload. */
    private static Path withVersion(String version) throws Exception {
        Path out = Files.createTempFile("hello-" + version, ".jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(TestBundles.jar("jqm.sample.hello").toPath()))) {
            Manifest m = in.getManifest();
            m.getMainAttributes().putValue("Bundle-Version", version);
            try (OutputStream o = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(o, m)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    jar.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        return out;
    }

    /** Puts a jar in the payloads folder in one step, as a careful operator (or mv) would. */
    private void drop(Path jar, Path folder) throws Exception {
        Path tmp = folder.resolveSibling("incoming.tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, folder.resolve("hello.jar"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Bundle[] helloBundles() {
        return Arrays.stream(context.getBundles()).filter(b -> "jqm.sample.hello".equals(b.getSymbolicName()))
                .toArray(Bundle[]::new);
    }

    /** Waits until the job definition says that version of the payload declared it. */
    private void awaitDeclaredBy(String version) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.getJobDefinitions().stream().noneMatch(
                d -> d.getApplicationName().equals("HelloWorld") && ("jqm.sample.hello " + version).equals(d.getDeclaredBy()))) {
            if (System.currentTimeMillis() > deadline) {
                fail("HelloWorld not declared by version " + version + ": " + client.getJobDefinitions());
            }
            Thread.sleep(50);
        }
    }

    private void awaitHello(String version, int state) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (Arrays.stream(helloBundles()).noneMatch(b -> b.getVersion().toString().equals(version) && b.getState() == state)) {
            if (System.currentTimeMillis() > deadline) {
                fail("no jqm.sample.hello " + version + " in state " + state + ": " + Arrays.toString(helloBundles()));
            }
            Thread.sleep(100);
        }
    }

    private State awaitRunning(long id) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.get(id).getState() != State.RUNNING) {
            assertTrue("instance " + id + " did not start", System.currentTimeMillis() < deadline);
            Thread.sleep(20);
        }
        return State.RUNNING;
    }

    @Test
    public void anUpdateWhileAnInstanceRunsLeavesItOnTheOldVersion() throws Exception {
        Path folder = payloads();
        drop(withVersion("1.0.0"), folder);
        awaitHello("1.0.0", Bundle.ACTIVE);
        awaitDeclaredBy("1.0.0");
        long old = client.enqueue(JobRequest.of("HelloWorld").addParameter("seconds", "4").addParameter("name", "old"));
        awaitRunning(old);

        drop(withVersion("2.0.0"), folder);
        awaitHello("2.0.0", Bundle.ACTIVE);
        awaitDeclaredBy("2.0.0");
        long fresh = client.enqueue(JobRequest.of("HelloWorld").addParameter("name", "new"));

        JobInstance n = awaitEnd(fresh);
        assertEquals(State.ENDED, n.getState());
        assertTrue(n.getMessages().toString(), n.getMessages().get(0).contains("jqm.sample.hello 2.0.0"));
        assertEquals("the old version is still there for the running instance", 2, helloBundles().length);
        JobInstance o = awaitEnd(old);
        assertEquals("the running instance was not broken", State.ENDED, o.getState());
        assertTrue(o.getMessages().toString(), o.getMessages().get(0).contains("jqm.sample.hello 1.0.0"));

        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (helloBundles().length != 1) {
            assertTrue("the old version is uninstalled once idle", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        assertEquals("2.0.0", helloBundles()[0].getVersion().toString());
    }

    @Test
    public void aRemovedPayloadIsUndeployed() throws Exception {
        Path folder = payloads();
        drop(withVersion("1.0.0"), folder);
        awaitHello("1.0.0", Bundle.ACTIVE);
        awaitDeclaredBy("1.0.0");
        assertEquals(State.ENDED, awaitEnd(client.enqueue(JobRequest.of("HelloWorld"))).getState());

        Files.delete(folder.resolve("hello.jar"));
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (helloBundles().length != 0) {
            assertTrue("undeployed", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        JobInstance j = awaitEnd(client.enqueue(JobRequest.of("HelloWorld")));
        assertEquals(State.CRASHED, j.getState());
    }

    @Test
    public void aJarThatIsNotABundleIsRefusedAndReported() throws Exception {
        Path folder = payloads();
        Path notABundle = Files.createTempFile("plain", ".jar");
        try (OutputStream o = Files.newOutputStream(notABundle); JarOutputStream jar = new JarOutputStream(o, new Manifest())) {
            jar.putNextEntry(new JarEntry("readme.txt"));
            jar.write("not a bundle".getBytes());
            jar.closeEntry();
        }
        try (InputStream in = Files.newInputStream(notABundle)) {
            Files.copy(in, folder.resolve("plain.jar"));
        }
        // A real bundle dropped after it is deployed: the folder was read past the bad jar.
        drop(withVersion("1.0.0"), folder);
        awaitHello("1.0.0", Bundle.ACTIVE);
        assertTrue("nothing of the plain jar is installed",
                Arrays.stream(context.getBundles()).noneMatch(b -> b.getLocation().contains("plain.jar")));
    }
}
