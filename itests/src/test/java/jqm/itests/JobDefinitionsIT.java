package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.client.Deliverable;
import jqm.api.client.JobDef;
import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.State;

/**
 * Job definitions declared by configuration (conf/jqm.jobdef-NAME.cfg, the factory configuration
 * jqm.jobdef~NAME): shell jobs, overrides of a payload bundle's definition, default parameters, highlander.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JobDefinitionsIT extends JqmTestSupport {
    private final List<Configuration> declared = new ArrayList<>();

    @After
    public void removeDeclarations() throws Exception {
        for (Configuration c : declared) {
            c.delete();
        }
        declared.clear();
    }

    private Configuration declare(String name, Object... kv) throws Exception {
        Configuration c = service(ConfigurationAdmin.class).getFactoryConfiguration("jqm.jobdef", name, "?");
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < kv.length; i += 2) {
            d.put((String) kv[i], kv[i + 1]);
        }
        c.update(d);
        declared.add(c);
        return c;
    }

    /** Deletes a declaration, as removing its file does (a deleted configuration cannot even be compared). */
    private void undeclare(Configuration c) throws Exception {
        declared.remove(c);
        c.delete();
    }

    private JobDef awaitDefinition(String name, java.util.function.Predicate<JobDef> ready) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            for (JobDef d : client.getJobDefinitions()) {
                if (d.getApplicationName().equals(name) && ready.test(d)) {
                    return d;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                fail("job definition " + name + " not as expected: " + client.getJobDefinitions());
            }
            Thread.sleep(50);
        }
    }

    private static String read(InputStream in) throws Exception {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private State awaitState(long id, State wanted) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.get(id).getState() != wanted) {
            if (System.currentTimeMillis() > deadline) {
                fail("instance " + id + " is " + client.get(id).getState() + ", not " + wanted);
            }
            Thread.sleep(20);
        }
        return wanted;
    }

    @Test
    public void aShellJobRunsWithItsParametersEnvironmentOutputAndDeliverables() throws Exception {
        declare("Shelly", "description", "says hello from the shell", "command",
                "echo \"hello $1 from $JQM_JD_APPLICATION_NAME $JQM_JI_ID on $JQM_NODE_NAME\"; echo oops >&2; "
                        + "echo report > \"$JQM_JI_DELIVERY_DIR/out.txt\"",
                "parameter.who", "world");
        JobDef d = awaitDefinition("Shelly", x -> true);
        assertEquals("SHELL", d.getKind());
        assertEquals("world", d.getParameters().get("who"));

        long id = client.enqueue(JobRequest.of("Shelly"));
        JobInstance j = awaitEnd(id);
        assertEquals(State.ENDED, j.getState());
        assertEquals("the definition's default parameter", "world", j.getParameters().get("who"));
        assertEquals("hello world from Shelly " + id + " on " + NODE + "\n", read(client.getLogStdOut(id)));
        assertEquals("oops\n", read(client.getLogStdErr(id)));
        List<Deliverable> files = client.getDeliverables(id);
        assertEquals(1, files.size());
        assertEquals("out.txt", files.get(0).getOriginalFileName());
        assertEquals("report\n", read(client.getDeliverableContent(files.get(0).getId())));

        long overridden = client.enqueue(JobRequest.of("Shelly").addParameter("who", "Ada"));
        assertEquals(State.ENDED, awaitEnd(overridden).getState());
        assertTrue(read(client.getLogStdOut(overridden)).startsWith("hello Ada from Shelly"));
    }

    @Test
    public void secretParametersReachTheJobButAreNeverShown() throws Exception {
        declare("Secretive", "command", "echo \"$1 $2 $3\"", "parameter.pin", "1234", "secret.parameters", "pin");
        JobDef d = awaitDefinition("Secretive", x -> true);
        assertEquals("a declared secret's default is masked", "********", d.getParameters().get("pin"));

        long id = client.enqueue(JobRequest.of("Secretive").addParameter("db.password", "hunter2").addParameter("who", "Ada"));
        JobInstance j = awaitEnd(id);
        assertEquals(State.ENDED, j.getState());
        assertEquals("the job gets the real values", "hunter2 1234 Ada\n", read(client.getLogStdOut(id)));
        assertEquals("********", j.getParameters().get("pin"));
        assertEquals("a name saying password is masked too", "********", j.getParameters().get("db.password"));
        assertEquals("Ada", j.getParameters().get("who"));
        JobInstance listed = client.query(new jqm.api.client.Query().setJobInstanceId(id)).getInstances().get(0);
        assertEquals("********", listed.getParameters().get("db.password"));
        assertTrue(client.getJobs(10).stream().filter(x -> x.getId() == id)
                .allMatch(x -> !x.getParameters().containsValue("hunter2") && !x.getParameters().containsValue("1234")));
        awaitService("(&(osgi.command.scope=jqm)(osgi.command.function=status))");
        java.io.PrintStream ps = new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true);
        org.apache.felix.service.command.CommandSession session = service(org.apache.felix.service.command.CommandProcessor.class)
                .createSession(new java.io.ByteArrayInputStream(new byte[0]), ps, ps);
        String status = String.valueOf(session.execute("jqm:status " + id));
        session.close();
        assertTrue("the console masks it: " + status, status.contains("db.password=********") && !status.contains("hunter2"));
        java.nio.file.Path logs = java.nio.file.Paths.get((String) service(ConfigurationAdmin.class)
                .getConfiguration("jqm.node", "?").getProperties().get("logs.root"));
        try (var files = java.nio.file.Files.walk(logs)) {
            for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile)
                    .filter(f -> !f.toString().contains("instances")).toList()) {
                assertTrue("no secret in " + f, !java.nio.file.Files.readString(f).contains("hunter2"));
            }
        }
    }

    @Test
    public void aShellJobFailingOrKilledEndsSo() throws Exception {
        declare("Failing", "command", "exit 3");
        declare("Sleeping", "command", "sleep 61.5");
        awaitDefinition("Failing", x -> true);
        awaitDefinition("Sleeping", x -> true);

        JobInstance failed = awaitEnd(client.enqueue(JobRequest.of("Failing")));
        assertEquals(State.CRASHED, failed.getState());
        assertTrue(failed.getMessages().toString(), failed.getMessages().contains("The command exited with code 3"));

        long sleeping = client.enqueue(JobRequest.of("Sleeping"));
        awaitState(sleeping, State.RUNNING);
        Thread.sleep(300); // let the process start
        assertTrue("the command runs as a child process", sleepRuns());
        client.kill(sleeping);
        JobInstance killed = awaitEnd(sleeping);
        assertEquals(State.KILLED, killed.getState());
        assertTrue(killed.getEndDate().toEpochMilli() - killed.getBeganRunningDate().toEpochMilli() < 30_000);
        assertFalse("the process is gone", sleepRuns());
    }

    private static boolean sleepRuns() {
        return ProcessHandle.allProcesses()
                .anyMatch(p -> p.info().commandLine().map(c -> c.contains("sleep 61.5")).orElse(false) && p.isAlive());
    }

    @Test
    public void aFileOverridesAPayloadBundlesDefinitionUntilRemoved() throws Exception {
        org.osgi.framework.Bundle sample = deploySample();
        Configuration override = declare("HelloWorld", "parameter.name", "Configured", "max.run.time.seconds", 30,
                "description", "configured hello");
        JobDef d = awaitDefinition("HelloWorld", x -> "configured hello".equals(x.getDescription()));
        assertEquals("BUNDLE", d.getKind());
        assertEquals(Integer.valueOf(30), d.getMaxRunTimeSeconds());

        JobInstance j = awaitEnd(client.enqueue(JobRequest.of("HelloWorld")));
        assertTrue(j.getMessages().toString(), j.getMessages().get(0).startsWith("Hello, Configured!"));

        // Restarting the payload bundle (it declares its definition again) does not undo the operator's file.
        sample.stop();
        sample.start();
        awaitService("(&(objectClass=jqm.api.payload.JobPayload)(jqm.jobdef=HelloWorld))");
        assertEquals("configured hello", awaitDefinition("HelloWorld", x -> true).getDescription());

        undeclare(override);
        awaitDefinition("HelloWorld", x -> !"configured hello".equals(x.getDescription()));
        JobInstance back = awaitEnd(client.enqueue(JobRequest.of("HelloWorld")));
        assertTrue(back.getMessages().toString(), back.getMessages().get(0).startsWith("Hello, world!"));
    }

    @Test
    public void aHighlanderRunsAloneAndAnswersTheWaitingInstanceToNewRequests() throws Exception {
        declare("Solo", "command", "sleep 2", "highlander", true);
        assertTrue(awaitDefinition("Solo", x -> true).isHighlander());

        long first = client.enqueue(JobRequest.of("Solo"));
        awaitState(first, State.RUNNING);
        long second = client.enqueue(JobRequest.of("Solo"));
        assertNotEquals(first, second);
        assertEquals("a request while one waits gets the waiting one", second, client.enqueue(JobRequest.of("Solo")));
        Thread.sleep(1000);
        assertEquals("never two running at once", State.SUBMITTED, client.get(second).getState());

        JobInstance a = awaitEnd(first);
        JobInstance b = awaitEnd(second);
        assertEquals(State.ENDED, b.getState());
        assertFalse(b.getBeganRunningDate().isBefore(a.getEndDate()));
    }

    /**
     * Requests for a highlander that arrive together while one of its instances runs: one waiting
     * instance is created, and every request gets it (its check and its insert in one transaction, the
     * definition locked: not two requests that each saw none waiting).
     */
    @Test
    public void concurrentRequestsForAHighlanderShareOneWaitingInstance() throws Exception {
        declare("Crowd", "command", "sleep 60", "highlander", true);
        assertTrue(awaitDefinition("Crowd", x -> true).isHighlander());
        long running = client.enqueue(JobRequest.of("Crowd"));
        awaitState(running, State.RUNNING);
        int callers = 8;
        CyclicBarrier together = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Long>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    together.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    return client.enqueue(JobRequest.of("Crowd"));
                }));
            }
            Set<Long> ids = new TreeSet<>();
            for (Future<Long> f : calls) {
                ids.add(f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            }
            assertEquals("one waiting instance for all the requests: " + ids, 1, ids.size());
            long waiting = ids.iterator().next();
            assertNotEquals(running, waiting);
            assertEquals(State.SUBMITTED, client.get(waiting).getState());
            long submitted = client.getJobs(1000).stream().filter(j -> j.getApplicationName().equals("Crowd"))
                    .filter(j -> j.getState() == State.SUBMITTED).count();
            assertEquals("waiting instances of the highlander", 1, submitted);
            client.cancel(waiting);
        } finally {
            pool.shutdownNow();
            client.kill(running);
            awaitEnd(running);
        }
    }

    @Test
    public void aRemovedShellDefinitionIsGone() throws Exception {
        Configuration c = declare("Ephemeral", "command", "true");
        awaitDefinition("Ephemeral", x -> true);
        undeclare(c);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.getJobDefinitions().stream().anyMatch(x -> x.getApplicationName().equals("Ephemeral"))) {
            assertTrue(System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
        assertTrue(thrown(JqmInvalidRequestException.class, () -> client.enqueue(JobRequest.of("Ephemeral"))).getMessage()
                .contains("Ephemeral"));
    }
}
