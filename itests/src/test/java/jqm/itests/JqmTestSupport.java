package jqm.itests;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmClient;
import jqm.api.client.JqmClientException;

/**
 * A real Felix with the runtime bundles of run/jqm.bndrun, configured as a node named
 * {@value #NODE} on its own in-memory H2 database. Subclasses get the {@link JqmClient} and helpers;
 * each test leaves the framework as it found it (payloads it deployed are uninstalled).
 */
public abstract class JqmTestSupport {
    protected static final String NODE = "it-node";
    protected static final long TIMEOUT_MS = 30_000;

    @Inject
    protected BundleContext context;

    protected JqmClient client;

    private final List<Bundle> deployed = new ArrayList<>();
    /** Open while the test runs: closing a tracker releases the service objects it got. */
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    @Configuration
    public Option[] config() throws IOException {
        List<Option> options = RuntimeBundles.options();
        try (ServerSocket s = new ServerSocket(0)) {
            options.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(s.getLocalPort())));
        }
        options.add(frameworkStartLevel(6));
        // FileInstall's own folder: an empty one of this run (the engine adds the payloads folder it watches).
        java.nio.file.Path fileinstall = java.nio.file.Files.createDirectories(java.nio.file.Paths.get(
                System.getProperty("jqm.it.work"), "fileinstall-" + UUID.randomUUID()));
        options.add(frameworkProperty("felix.fileinstall.dir").value(fileinstall.toString()));
        options.add(frameworkProperty("felix.fileinstall.enableConfigSave").value("false"));
        options.add(junitBundles());
        options.add(cleanCaches(true));
        options.add(workingDirectory(System.getProperty("jqm.it.work")));
        return options.toArray(new Option[0]);
    }

    @Before
    public void startNode() throws Exception {
        ConfigurationAdmin ca = service(ConfigurationAdmin.class);
        // The node's name first: the engine starts once the database is configured.
        String root = System.getProperty("jqm.it.work") + "/node-" + UUID.randomUUID();
        configureOnce(ca, "jqm.node", "name", NODE, "default.polling.ms", 500L, "logs.root", root + "/logs", "files.root",
                root + "/files", "payloads.dir", root + "/payloads", "heartbeat.seconds", 1, "dead.after.seconds", 5,
                "initial.password.file", root + "/initial-admin-password.txt");
        configureOnce(ca, "jqm.http", "access.log", root + "/logs/access.log");
        if (ca.getConfiguration("jqm.db", "?").getProperties() == null) {
            configureOnce(ca, "jqm.db", database());
        }
        client = service(JqmClient.class);
        // The engine polls once its pollers are up.
        assertNotNull("the node's pollers did not start", awaitService("(objectClass=jqm.engine.poll.Pollers)"));
    }

    @After
    public void undeploy() throws Exception {
        for (Bundle b : deployed) {
            if (b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
            }
        }
        deployed.clear();
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }

    /**
     * The database of the node: a fresh in-memory H2 here; subclasses run the same tests on PostgreSQL.
     *
     * @return the configuration of the database (PID jqm.db), as key, value, key, value...
     */
    protected Object[] database() throws Exception {
        return new Object[] { "driver", "org.h2.Driver", "url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
                "user", "jqm", "password", "" };
    }

    private static void configureOnce(ConfigurationAdmin ca, String pid, Object... kv) throws IOException {
        org.osgi.service.cm.Configuration c = ca.getConfiguration(pid, "?");
        if (c.getProperties() == null) {
            Dictionary<String, Object> d = new Hashtable<>();
            for (int i = 0; i < kv.length; i += 2) {
                d.put((String) kv[i], kv[i + 1]);
            }
            c.update(d);
        }
    }

    /** Deploys the sample payload bundle (job definition HelloWorld) as an operator would; undeployed after the test. */
    protected Bundle deploySample() throws Exception {
        Bundle b = context.installBundle(TestBundles.jar("jqm.sample.hello").toURI().toString());
        deployed.add(b);
        b.start();
        assertNotNull("the HelloWorld payload service did not appear",
                awaitService("(&(objectClass=jqm.api.payload.JobPayload)(jqm.jobdef=HelloWorld))"));
        return b;
    }

    protected <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> t = new ServiceTracker<>(bundleContext(), type, null);
        t.open();
        trackers.add(t);
        T s = t.waitForService(TIMEOUT_MS);
        assertNotNull("no " + type.getName() + " service within " + TIMEOUT_MS + " ms", s);
        return s;
    }

    protected Object awaitService(String filter) throws Exception {
        ServiceTracker<Object, Object> t = new ServiceTracker<>(bundleContext(), bundleContext().createFilter(filter), null);
        t.open(true);
        trackers.add(t);
        return t.waitForService(TIMEOUT_MS);
    }

    private BundleContext bundleContext() {
        return context != null ? context : FrameworkUtil.getBundle(getClass()).getBundleContext();
    }

    /** What may throw, for {@link #thrown}. */
    protected interface Call {
        void run() throws Exception;
    }

    /**
     * Runs a call that must throw (JUnit 4.12, the JUnit bundle inside the framework, has no assertThrows).
     *
     * @return what it threw
     */
    protected static <T extends Throwable> T thrown(Class<T> type, Call call) {
        try {
            call.run();
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            throw new AssertionError("expected " + type.getName() + " but got " + t, t);
        }
        throw new AssertionError("expected " + type.getName() + " but nothing was thrown");
    }

    /**
     * Enqueues a HelloWorld instance as a client does after a database failure: again until the
     * database answers (the pool finding and replacing its broken connections); fails after {@link #TIMEOUT_MS}.
     *
     * @param since what happened to the database, for the failure's message
     * @return the instance's id
     */
    protected long enqueueOnceTheDatabaseAnswers(String since) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            try {
                return client.enqueue(JobRequest.of("HelloWorld"));
            } catch (JqmClientException e) {
                assertTrue("no enqueue works " + TIMEOUT_MS + " ms after " + since + ": " + e, System.currentTimeMillis() < deadline);
                Thread.sleep(100);
            }
        }
    }

    /** Waits until the instance reaches a final state, and returns it; fails after {@link #TIMEOUT_MS}. */
    protected JobInstance awaitEnd(long id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        JobInstance j = client.get(id);
        while (!j.getState().isFinal()) {
            if (System.currentTimeMillis() > deadline) {
                fail("instance " + id + " still " + j.getState() + " after " + TIMEOUT_MS + " ms");
            }
            Thread.sleep(50);
            j = client.get(id);
        }
        return j;
    }
}
