package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.client.Deliverable;
import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.State;
import jqm.api.payload.JobPayload;

/** What an instance writes (its own log files) and the files it hands over (deliverables, by random id). */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InstanceFilesIT extends JqmTestSupport {
    private ServiceRegistration<JobPayload> reporter;
    /** Where the running payload's work folder was, to check it is gone afterwards. */
    private static volatile Path lastWorkDir;

    @Before
    public void reporter() throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(JobPayload.JOBDEF, "Reporter");
        reporter = context.registerService(JobPayload.class, ctx -> {
            System.out.println("out line of " + ctx.instanceId());
            System.err.println("err line of " + ctx.instanceId());
            org.slf4j.LoggerFactory.getLogger("reporter").info("logger line of {}", ctx.instanceId());
            Thread child = new Thread(() -> System.out.println("from a thread the payload started"));
            child.start();
            child.join();
            Path work = ctx.workDirectory();
            lastWorkDir = work;
            Path report = work.resolve("report.csv");
            Files.writeString(report, "month;total\n2026-11;42\n");
            String id = ctx.addDeliverable(report, "report");
            ctx.sendMessage("deliverable " + id);
            if ("true".equals(ctx.parameters().get("fail"))) {
                throw new IllegalStateException("failing on purpose");
            }
        }, props);
        awaitService("(&(objectClass=jqm.api.payload.JobPayload)(jqm.jobdef=Reporter))");
    }

    @After
    public void unregister() {
        reporter.unregister();
    }

    private static String read(InputStream in) throws Exception {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path filesRoot() throws Exception {
        return Paths.get((String) service(ConfigurationAdmin.class).getConfiguration("jqm.node", "?").getProperties()
                .get("files.root"));
    }

    @Test
    public void whatAPayloadPrintsGoesToItsOwnLogFiles() throws Exception {
        long id = client.enqueue(JobRequest.of("Reporter"));
        assertEquals(State.ENDED, awaitEnd(id).getState());

        String out = read(client.getLogStdOut(id));
        assertTrue(out, out.contains("out line of " + id));
        assertTrue("threads the payload starts write to its log too: " + out, out.contains("from a thread the payload started"));
        assertFalse(out, out.contains("err line"));
        String err = read(client.getLogStdErr(id));
        assertTrue(err, err.contains("err line of " + id));
        assertTrue("the payload's logger writes to its log too: " + err, err.contains("logger line of " + id));
    }

    @Test
    public void aDeliverableIsFetchedByItsRandomIdAndKeptOwnerOnly() throws Exception {
        long id = client.enqueue(JobRequest.of("Reporter"));
        JobInstance j = awaitEnd(id);
        assertEquals(State.ENDED, j.getState());

        List<Deliverable> files = client.getDeliverables(id);
        assertEquals(1, files.size());
        Deliverable d = files.get(0);
        assertTrue(d.getId(), d.getId().matches("[0-9a-f]{32}"));
        assertTrue(j.getMessages().contains("deliverable " + d.getId()));
        assertEquals("report", d.getFileFamily());
        assertEquals("report.csv", d.getOriginalFileName());
        assertEquals(id, d.getJobId());
        assertEquals("month;total\n2026-11;42\n", read(client.getDeliverableContent(d.getId())));
        assertEquals(d.getSize(), "month;total\n2026-11;42\n".length());

        try (var stored = Files.walk(filesRoot().resolve("deliverables"))) {
            Path file = stored.filter(p -> p.getFileName().toString().equals(d.getId())).findFirst().get();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        assertFalse("the work folder is deleted when the instance ends", Files.exists(lastWorkDir));

        assertTrue(thrown(JqmInvalidRequestException.class, () -> client.getDeliverableContent("../../etc/passwd")).getMessage()
                .contains("32 hexadecimal"));
        assertTrue(thrown(JqmInvalidRequestException.class, () -> client.getDeliverableContent("0123456789abcdef0123456789abcdef"))
                .getMessage().contains("no deliverable"));
    }

    @Test
    public void anInstanceThatWritesNothingHasNoLogFileAndReadsEmpty() throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(JobPayload.JOBDEF, "Silent");
        ServiceRegistration<JobPayload> silent = context.registerService(JobPayload.class, ctx -> {
            if ("true".equals(ctx.parameters().get("speak"))) {
                System.out.println("spoken");
            }
        }, props);
        try {
            awaitService("(&(objectClass=jqm.api.payload.JobPayload)(jqm.jobdef=Silent))");
            Path logs = Paths.get((String) service(ConfigurationAdmin.class).getConfiguration("jqm.node", "?").getProperties()
                    .get("logs.root"));
            long quiet = client.enqueue(JobRequest.of("Silent"));
            assertEquals(State.ENDED, awaitEnd(quiet).getState());
            assertEquals("", read(client.getLogStdOut(quiet)));
            assertEquals("", read(client.getLogStdErr(quiet)));
            assertFalse("no file for what was never written", Files.exists(logs.resolve("instances").resolve(quiet + ".stdout.log")));
            assertFalse(Files.exists(logs.resolve("instances").resolve(quiet + ".stderr.log")));

            long spoke = client.enqueue(JobRequest.of("Silent").addParameter("speak", "true"));
            assertEquals(State.ENDED, awaitEnd(spoke).getState());
            assertEquals("spoken" + System.lineSeparator(), read(client.getLogStdOut(spoke)));
            Path out = logs.resolve("instances").resolve(spoke + ".stdout.log");
            assertEquals("made at the first line, owner-only", "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
            assertFalse("stderr was not written", Files.exists(logs.resolve("instances").resolve(spoke + ".stderr.log")));
            assertTrue("the node marks the logs root it writes to", Files.isRegularFile(logs.resolve("nodes").resolve(NODE)));
        } finally {
            silent.unregister();
        }
    }

    @Test
    public void aCrashLeavesItsStackTraceInTheInstanceLogAndKeepsItsDeliverables() throws Exception {
        long id = client.enqueue(JobRequest.of("Reporter").addParameter("fail", "true"));
        assertEquals(State.CRASHED, awaitEnd(id).getState());

        String err = read(client.getLogStdErr(id));
        assertTrue(err, err.contains("java.lang.IllegalStateException: failing on purpose"));
        assertTrue(err, err.contains("\tat "));
        assertEquals(1, client.getDeliverables(id).size());
    }
}
