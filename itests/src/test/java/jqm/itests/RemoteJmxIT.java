package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import jqm.api.client.JobRequest;
import jqm.api.client.State;
import jqm.api.security.Accounts;
import jqm.api.security.Role;

/**
 * Remote JMX as an operator turns it on and a JConsole user reaches it: the optional bundle
 * {@code jqm.jmx} enabled and disabled with the console's {@code jqm:enable jmx} / {@code jqm:disable jmx},
 * the node's key store from {@code jqm:tlsinit}, and each client a JVM of its own ({@link JmxClient})
 * trusting the node's CA through {@code javax.net.ssl.*}, as JConsole does. Every test starts with
 * remote JMX off and leaves it off; the class's framework gets HTTPS once ({@code jqm:tlsinit}), whose
 * key store the connector uses by default.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RemoteJmxIT extends JqmTestSupport {
    private static final String HOST = "127.0.0.1";
    private static final String OPTIONAL_LOCATION = "jqm:optional:jmx";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private CommandSession session;
    private ConfigurationAdmin ca;
    private Accounts accounts;
    private Path conf;
    private Path tls;
    private Path work;
    private Path clientTrust;
    private int registryPort;
    private int serverPort;

    @Before
    public void nodeWithTls() throws Exception {
        deploySample();
        awaitService("(&(osgi.command.scope=jqm)(osgi.command.function=tlsinit))");
        awaitService("(&(osgi.command.scope=jqm)(osgi.command.function=enable))");
        PrintStream ps = new PrintStream(out, true);
        session = service(CommandProcessor.class).createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        ca = service(ConfigurationAdmin.class);
        accounts = service(Accounts.class);
        conf = Paths.get(context.getProperty("felix.fileinstall.dir"));
        tls = conf.resolve("tls");
        if (!Files.exists(tls.resolve("server.p12"))) {
            // The node's HTTPS set-up, whose key store the connector uses by default.
            String init = run("jqm:tlsinit -p " + freePort() + " -c wants");
            assertTrue(init, init.startsWith("HTTPS on port"));
        }
        work = Files.createDirectories(Paths.get(System.getProperty("jqm.it.work"), "jmx-" + UUID.randomUUID()));
        // What a JConsole user does with the node's CA certificate: a trust store of their own.
        clientTrust = work.resolve("client-trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "jqm-node-ca", "-file", tls.resolve("ca.pem").toString(), "-keystore",
                clientTrust.toString(), "-storetype", "PKCS12", "-storepass", "clienttrust");
        // The optional bundles' folder of this run (bundles/optional on a node), in conf/jqm.features.cfg as an operator writes it.
        Path features = conf.resolve("jqm.features.cfg");
        if (!Files.exists(features)) {
            Files.writeString(features, "dir=" + TestBundles.dir().getAbsolutePath() + "\nrest=false\njmx=false\n");
        }
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!run("jqm:features").contains(TestBundles.dir().getAbsolutePath())) {
            assertTrue("the optional bundles' folder was not applied", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
        registryPort = freePort();
        serverPort = freePort();
        // Before each test (the first one runs on a fresh node): no remote JMX bundle, nothing on its ports.
        assertNull("no remote JMX bundle before it is enabled", jmxBundle());
        for (int port : new int[] { 1791, 1792, registryPort, serverPort }) {
            assertClosed(port);
        }
    }

    @After
    public void disableAndClean() throws Exception {
        if (jmxBundle() != null) {
            run("jqm:disable jmx");
        }
        Configuration c = jmxConfiguration();
        if (c != null) {
            c.delete();
        }
        session.close();
        // What the console printed: the log lines of the components its commands started are there.
        System.out.print(out.toString(StandardCharsets.UTF_8).replaceAll("(?m)^", "[console] "));
    }

    // ---------------------------------------------------------------- the tests

    @Test
    public void remoteJmxIsOffUntilEnabled() throws Exception {
        assertTrue(run("jqm:features"), run("jqm:features").matches("(?s).*\\njmx\\s+disabled\\s.*"));
        // Its configuration alone opens nothing: the bundle is not there.
        configureJmx();
        Thread.sleep(1000);
        assertNull(jmxBundle());
        assertClosed(registryPort);
        assertClosed(serverPort);
    }

    @Test
    public void everyConnectionIsAuthenticatedAndEachRoleDoesWhatItMay() throws Exception {
        String viewerPassword = accounts.create("jmx-viewer", Set.of(Role.VIEWER), null);
        String operatorPassword = accounts.create("jmx-operator", Set.of(Role.OPERATOR), null);
        String adminPassword = accounts.create("jmx-admin", Set.of(Role.ADMINISTRATOR), null);
        String clientPassword = accounts.create("jmx-client", Set.of(Role.CLIENT), null);
        configureJmx();
        enable();
        String node = "jqm:type=Node,name=" + NODE;
        String queue = "jqm:type=Node.Queue,Node=" + NODE + ",name=DEFAULT";

        assertRefused(client(null, null, "count", "jqm:*"), "Authentication required");
        assertRefused(client("jmx-viewer", "not-" + viewerPassword, "count", "jqm:*"), "Wrong account name or password");
        assertRefused(client("nobody", "whatever-password", "count", "jqm:*"), "Wrong account name or password");
        assertRefused(client("jmx-client", clientPassword, "count", "jqm:*"), "may not use JMX");

        // A viewer reads the node's beans (and the JVM's), and may run no operation.
        List<String> viewer = client("jmx-viewer", viewerPassword, "get", node, "AllPollersPolling", "get", queue,
                "MaxConcurrentJobInstanceCount", "get", "java.lang:type=Runtime", "VmName", "invoke", queue, "pause", "invoke", node,
                "refreshConfiguration");
        assertEquals(viewer.toString(), "connect ok", viewer.get(0));
        assertEquals(viewer.toString(), "ok true", viewer.get(1));
        assertEquals(viewer.toString(), "ok 4", viewer.get(2));
        assertTrue(viewer.toString(), viewer.get(3).startsWith("ok ") && viewer.get(3).length() > 3);
        assertTrue(viewer.toString(), viewer.get(4).startsWith("refused java.lang.SecurityException: Access denied"));
        assertTrue(viewer.toString(), viewer.get(5).startsWith("refused java.lang.SecurityException: Access denied"));
        assertEquals(5, viewer.size() - 1);
        assertEquals("the refused pause did nothing", Boolean.FALSE, mbeans().getAttribute(new javax.management.ObjectName(queue), "Paused"));

        // An operator pauses and resumes a queue, and may not act on the node or the JVM.
        List<String> operator = client("jmx-operator", operatorPassword, "invoke", queue, "pause", "get", queue, "Paused", "invoke",
                queue, "resume", "get", queue, "Paused", "invoke", node, "refreshConfiguration", "invoke", "java.lang:type=Memory", "gc");
        assertEquals(operator.toString(), List.of("connect ok", "ok null", "ok true", "ok null", "ok false"), operator.subList(0, 5));
        assertTrue(operator.toString(), operator.get(5).startsWith("refused java.lang.SecurityException: Access denied"));
        assertTrue(operator.toString(), operator.get(6).startsWith("refused java.lang.SecurityException: Access denied"));

        // An administrator kills a running instance.
        long id = client.enqueue(JobRequest.of("HelloWorld").addParameter("seconds", "30"));
        awaitState(id, State.RUNNING);
        String instance = "jqm:type=Node.Queue.JobInstance,Node=" + NODE + ",Queue=DEFAULT,name=" + id;
        List<String> admin = client("jmx-admin", adminPassword, "get", instance, "ApplicationName", "invoke", instance, "kill");
        assertEquals(admin.toString(), List.of("connect ok", "ok HelloWorld", "ok null"), admin);
        assertEquals(State.KILLED, awaitEnd(id).getState());
    }

    @Test
    public void aClientWithoutTlsIsRefusedWhileTlsIsOn() throws Exception {
        String password = accounts.create("jmx-plain", Set.of(Role.ADMINISTRATOR), null);
        configureJmx();
        enable();
        List<String> plain = client("jmx-plain", password, List.of("--plain"), "count", "jqm:*");
        assertEquals(plain.toString(), 1, plain.size());
        assertTrue(plain.toString(), plain.get(0).startsWith("failed "));
        // Nor does the connector's own port answer RMI in clear: a JRMP greeting gets no acknowledgement.
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, serverPort), 5000);
            s.setSoTimeout(5000);
            OutputStream o = s.getOutputStream();
            o.write(new byte[] { 'J', 'R', 'M', 'I', 0, 2, 0x4b });
            o.flush();
            int answer;
            try {
                answer = s.getInputStream().read();
            } catch (IOException e) {
                answer = -1;
            }
            assertTrue("a plain JRMP greeting must not be acknowledged (0x4e), got " + answer, answer != 0x4e);
        }
        // The same client over TLS gets in.
        assertEquals("connect ok", client("jmx-plain", password, "count", "jqm:*").get(0));
    }

    @Test
    public void disablingClosesThePortsAndEnablingAgainOpensThem() throws Exception {
        String password = accounts.create("jmx-again", Set.of(Role.VIEWER), null);
        configureJmx();
        enable();
        assertEquals("connect ok", client("jmx-again", password, "count", "jqm:*").get(0));

        String disabled = run("jqm:disable jmx");
        assertTrue(disabled, disabled.startsWith("jmx: disabled (jqm.jmx"));
        assertNull("the bundle is gone", jmxBundle());
        assertClosed(registryPort);
        assertClosed(serverPort);
        assertTrue(Files.readString(conf.resolve("jqm.features.cfg")).contains("jmx=false"));

        enable();
        List<String> again = client("jmx-again", password, "count", "jqm:type=Node,*");
        assertEquals(again.toString(), List.of("connect ok", "ok 1"), again);
    }

    /**
     * ConfigAdmin hands a change to the node's component on a thread of its own, some time after
     * {@code jqm:disable} recorded it. Held back until a later {@code jqm:enable} has acted, it must not
     * undo that newer choice (seen in CI: the bundle just enabled was gone, and came back later).
     */
    @Test
    public void aChoiceDeliveredLateDoesNotUndoANewerOne() throws Exception {
        configureJmx();
        enable();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch newerDelivered = new CountDownLatch(1);
        AtomicBoolean holding = new AtomicBoolean(true);
        Dictionary<String, Object> target = new Hashtable<>();
        target.put(ConfigurationPlugin.CM_TARGET, new String[] { "jqm.features" });
        ConfigurationPlugin delay = (reference, properties) -> {
            if (!"jqm.features".equals(properties.get(org.osgi.framework.Constants.SERVICE_PID))) {
                return;
            }
            if ("false".equals(String.valueOf(properties.get("jmx"))) && holding.compareAndSet(true, false)) {
                held.countDown();
                try {
                    release.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if ("true".equals(String.valueOf(properties.get("jmx"))) && !holding.get()) {
                newerDelivered.countDown();
            }
        };
        var registration = context.registerService(ConfigurationPlugin.class, delay, target);
        try {
            String disabled = run("jqm:disable jmx");
            assertTrue(disabled, disabled.startsWith("jmx: disabled (jqm.jmx"));
            assertTrue("the disable's configuration was not delivered", held.await(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            enable();
            Bundle enabled = jmxBundle();
            release.countDown();
            // Once the enable's own configuration reaches the component, the disable's has been applied.
            assertTrue("the enable's configuration was not delivered", newerDelivered.await(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            assertEquals("the bundle enabled last is still there and running", Bundle.ACTIVE, enabled.getState());
        } finally {
            release.countDown();
            registration.unregister();
        }
    }

    @Test
    public void clientCertificatesWhenNeeded() throws Exception {
        String password = accounts.create("jmx-cert", Set.of(Role.VIEWER), null);
        String issued = run("jqm:tlsclient jmx-cert");
        String p12 = issued.substring("Client certificate of jmx-cert: ".length(), issued.indexOf(" (PKCS12)"));
        String p12Password = issued.substring(issued.lastIndexOf(' ') + 1).trim();
        configureJmx("clientcertificate", "needs");
        enable();
        List<String> without = client("jmx-cert", password, "count", "jqm:*");
        assertEquals(without.toString(), 1, without.size());
        assertTrue("no client certificate: refused in the handshake " + without, without.get(0).startsWith("failed "));
        List<String> with = client("jmx-cert", password, List.of("-Djavax.net.ssl.keyStore=" + p12,
                "-Djavax.net.ssl.keyStorePassword=" + p12Password, "-Djavax.net.ssl.keyStoreType=PKCS12"), "count", "jqm:type=Node,*");
        assertEquals(with.toString(), List.of("connect ok", "ok 1"), with);
        // A certificate is not an account: the password is still needed.
        assertRefused(client(null, null, List.of("-Djavax.net.ssl.keyStore=" + p12, "-Djavax.net.ssl.keyStorePassword=" + p12Password,
                "-Djavax.net.ssl.keyStoreType=PKCS12"), "count", "jqm:*"), "Authentication required");
    }

    @Test
    public void theJdkPasswordAndAccessFilesInsteadOfAccounts() throws Exception {
        Path passwords = work.resolve("jmxremote.password");
        Files.writeString(passwords, "monitor monitor-secret-1\ncontrol control-secret-1\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        Path access = work.resolve("jmxremote.access");
        Files.writeString(access, "monitor readonly\ncontrol readwrite\n");
        configureJmx("password.file", passwords.toString(), "access.file", access.toString());
        enable();
        String queue = "jqm:type=Node.Queue,Node=" + NODE + ",name=DEFAULT";
        assertRefused(client(null, null, "count", "jqm:*"), "");
        assertRefused(client("monitor", "wrong", "count", "jqm:*"), "");
        List<String> monitor = client("monitor", "monitor-secret-1", "get", queue, "Paused", "invoke", queue, "pause");
        assertEquals(monitor.toString(), List.of("connect ok", "ok false"), monitor.subList(0, 2));
        assertTrue(monitor.toString(), monitor.get(2).startsWith("refused java.lang.SecurityException"));
        List<String> control = client("control", "control-secret-1", "invoke", queue, "pause", "invoke", queue, "resume");
        assertEquals(control.toString(), List.of("connect ok", "ok null", "ok null"), control);
        assertFalse("the clear passwords were replaced by hashes", Files.readString(passwords).contains("monitor-secret-1"));
    }

    @Test
    public void whatCannotBeSecuredDoesNotStart() throws Exception {
        // No key store: no connector at all, rather than one without TLS.
        configureJmx("keystore", work.resolve("missing.p12").toString(), "keystore.password.file", work.resolve("missing.pass").toString());
        enableBundle();
        assertEquals(ComponentConfigurationDTO.FAILED_ACTIVATION, awaitComponentState(ComponentConfigurationDTO.FAILED_ACTIVATION));
        assertClosed(registryPort);
        assertClosed(serverPort);

        // Plain sockets beyond loopback.
        configureJmx("tls", false, "host", "0.0.0.0");
        awaitComponentState(ComponentConfigurationDTO.FAILED_ACTIVATION);
        assertClosed(registryPort);
        assertClosed(serverPort);

        // A JDK password file others can read.
        Path passwords = work.resolve("open.password");
        Files.writeString(passwords, "monitor monitor-secret-1\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-r--r--"));
        Path access = work.resolve("open.access");
        Files.writeString(access, "monitor readonly\n");
        configureJmx("password.file", passwords.toString(), "access.file", access.toString());
        awaitComponentState(ComponentConfigurationDTO.FAILED_ACTIVATION);
        assertClosed(registryPort);
        assertClosed(serverPort);

        // Plain on loopback is allowed, explicitly, and still authenticated.
        String password = accounts.create("jmx-loopback", Set.of(Role.VIEWER), null);
        configureJmx("tls", false);
        awaitComponentState(ComponentConfigurationDTO.ACTIVE);
        awaitOpen(registryPort);
        assertRefused(client(null, null, List.of("--plain"), "count", "jqm:*"), "Authentication required");
        List<String> plain = client("jmx-loopback", password, List.of("--plain"), "count", "jqm:type=Node,*");
        assertEquals(plain.toString(), List.of("connect ok", "ok 1"), plain);
    }

    @Test
    public void aPortInUseLeavesNothingOpen() throws Exception {
        try (ServerSocket taken = new ServerSocket(registryPort, 50, java.net.InetAddress.getByName(HOST))) {
            configureJmx();
            enableBundle();
            awaitComponentState(ComponentConfigurationDTO.FAILED_ACTIVATION);
            // The connector had started before the registry's port was found taken: it is stopped again.
            assertClosed(serverPort);
        }
    }

    @Test
    public void aReplacedRegistryEntryIsPutBack() throws Exception {
        String password = accounts.create("jmx-guard", Set.of(Role.VIEWER), null);
        configureJmx();
        enable();
        // Any process of the machine may rebind a name in the JDK's registry (it only checks that the caller is local).
        List<String> rebound = client(null, null, List.of("--rebind"), HOST, Integer.toString(registryPort));
        assertEquals(rebound.toString(), List.of("rebound"), rebound);
        // Clients are sent nowhere for a moment, until the connector puts its entry back.
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        List<String> again = client("jmx-guard", password, "count", "jqm:type=Node,*");
        while (!again.get(0).equals("connect ok")) {
            assertTrue("the registry entry was not put back: " + again, System.currentTimeMillis() < deadline);
            Thread.sleep(500);
            again = client("jmx-guard", password, "count", "jqm:type=Node,*");
        }
        assertEquals(List.of("connect ok", "ok 1"), again);
    }

    // ---------------------------------------------------------------- helpers

    private String run(String command) throws Exception {
        Object result = session.execute(command);
        return result == null ? "" : session.format(result, Converter.INSPECT).toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Bundle jmxBundle() {
        for (Bundle b : context.getBundles()) {
            if ("jqm.jmx".equals(b.getSymbolicName()) || OPTIONAL_LOCATION.equals(b.getLocation())) {
                return b;
            }
        }
        return null;
    }

    private Configuration jmxConfiguration() throws Exception {
        Configuration[] c = ca.listConfigurations("(service.pid=jqm.jmx)");
        return c == null ? null : c[0];
    }

    /** Sets the jqm.jmx configuration: this test's ports on loopback, and the given keys. */
    private void configureJmx(Object... kv) throws Exception {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("host", HOST);
        d.put("registry.port", registryPort);
        d.put("server.port", serverPort);
        for (int i = 0; i < kv.length; i += 2) {
            d.put((String) kv[i], kv[i + 1]);
        }
        ca.getConfiguration("jqm.jmx", "?").update(d);
    }

    /** {@code jqm:enable jmx}, then waits for the connector to listen. */
    private void enable() throws Exception {
        enableBundle();
        awaitComponentState(ComponentConfigurationDTO.ACTIVE);
        awaitOpen(registryPort);
        awaitOpen(serverPort);
    }

    private void enableBundle() throws Exception {
        String enabled = run("jqm:enable jmx");
        assertTrue(enabled, enabled.startsWith("jmx: enabled (jqm.jmx"));
        assertNotNull(jmxBundle());
        assertEquals(Bundle.ACTIVE, jmxBundle().getState());
    }

    /** @return the state of the remote JMX component once it is the one expected (or after the time out) */
    private int awaitComponentState(int expected) throws Exception {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        int state = -1;
        while (System.currentTimeMillis() < deadline) {
            Bundle b = jmxBundle();
            ComponentDescriptionDTO d = b == null ? null : scr.getComponentDescriptionDTO(b, "jqm.jmx.connector.RemoteJmx");
            if (d != null) {
                var configs = scr.getComponentConfigurationDTOs(d);
                if (configs.size() == 1) {
                    ComponentConfigurationDTO c = configs.iterator().next();
                    state = c.state;
                    String port = String.valueOf(c.properties.get("registry.port"));
                    if (state == expected && port.equals(Integer.toString(registryPort)) && configurationApplied(c.properties)) {
                        return state;
                    }
                }
            }
            Thread.sleep(100);
        }
        fail("the remote JMX component is in state " + state + ", not " + expected);
        return state;
    }

    /** @return whether the component's properties are those of the latest jqm.jmx configuration */
    private boolean configurationApplied(Map<String, Object> componentProperties) throws Exception {
        Configuration c = jmxConfiguration();
        if (c == null) {
            return false;
        }
        Dictionary<String, Object> d = c.getProperties();
        for (String k : java.util.Collections.list(d.keys())) {
            if (!k.startsWith("service.") && !String.valueOf(d.get(k)).equals(String.valueOf(componentProperties.get(k)))) {
                return false;
            }
        }
        return true;
    }

    private void awaitState(long id, State s) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.get(id).getState() != s) {
            assertTrue("instance " + id + " not " + s, System.currentTimeMillis() < deadline);
            Thread.sleep(20);
        }
    }

    private static javax.management.MBeanServer mbeans() {
        return java.lang.management.ManagementFactory.getPlatformMBeanServer();
    }

    private static void awaitOpen(int port) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("nothing listens on " + HOST + ":" + port, e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void assertClosed(int port) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 2000);
            fail("something listens on " + HOST + ":" + port);
        } catch (ConnectException expected) {
            // refused: nothing listens
        }
    }

    private static void assertRefused(List<String> outcome, String message) {
        assertEquals(outcome.toString(), 1, outcome.size());
        assertTrue(outcome.toString(), outcome.get(0).startsWith("refused java.lang.SecurityException"));
        assertTrue(outcome.toString(), outcome.get(0).contains(message));
    }

    private List<String> client(String user, String password, String... commands) throws Exception {
        return client(user, password, List.of(), commands);
    }

    /**
     * Runs {@link JmxClient} in a JVM of its own trusting the node's CA, against this test's
     * registry; options starting with {@code -D} go to that JVM, the others to the client.
     *
     * @return the lines it printed
     */
    private List<String> client(String user, String password, List<String> options, String... commands) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(Paths.get(System.getProperty("jqm.it.target"), "test-classes").toString());
        cmd.add("-Djavax.net.ssl.trustStore=" + clientTrust);
        cmd.add("-Djavax.net.ssl.trustStorePassword=clienttrust");
        cmd.add("-Djavax.net.ssl.trustStoreType=PKCS12");
        cmd.add("-Dsun.rmi.transport.tcp.responseTimeout=20000");
        cmd.add("-XX:TieredStopAtLevel=1");
        options.stream().filter(o -> o.startsWith("-D")).forEach(cmd::add);
        cmd.add(JmxClient.class.getName());
        if (!options.contains("--rebind")) {
            cmd.add("service:jmx:rmi:///jndi/rmi://" + HOST + ":" + registryPort + "/jmxrmi");
        }
        options.stream().filter(o -> !o.startsWith("-D")).forEach(cmd::add);
        cmd.addAll(List.of(commands));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().remove("JMX_USER");
        pb.environment().remove("JMX_PASSWORD");
        if (user != null) {
            pb.environment().put("JMX_USER", user);
            pb.environment().put("JMX_PASSWORD", password);
        }
        Path stderr = Files.createTempFile(work, "client", ".stderr");
        pb.redirectError(stderr.toFile());
        Process p = pb.start();
        byte[] printed;
        try (InputStream in = p.getInputStream()) {
            printed = in.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the JMX client did not end");
        }
        assertEquals("the JMX client's exit status; it wrote: " + Files.readString(stderr), 0, p.exitValue());
        List<String> lines = new String(printed, StandardCharsets.UTF_8).lines().toList();
        assertFalse("the JMX client printed nothing", lines.isEmpty());
        return lines;
    }

    private void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes());
        assertEquals("keytool: " + printed, 0, p.waitFor());
    }
}
