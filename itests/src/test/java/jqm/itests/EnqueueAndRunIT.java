package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.State;

/** Enqueueing through the JqmClient service and running the sample payload in a real framework. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EnqueueAndRunIT extends JqmTestSupport {

    @Test
    public void helloWorldRunsToEndedAndKeepsItsHistory() throws Exception {
        deploySample();
        long id = client.enqueue(JobRequest.of("HelloWorld").setUser("ada").setKeyword1("k1").setSessionID("s-1")
                .addParameter("name", "Ada"));

        JobInstance j = awaitEnd(id);

        assertEquals(State.ENDED, j.getState());
        assertEquals(id, j.getId());
        assertEquals("HelloWorld", j.getApplicationName());
        assertEquals(NODE, j.getNodeName());
        assertEquals("DEFAULT", j.getQueueName());
        assertEquals("ada", j.getUser());
        assertEquals("k1", j.getKeyword1());
        assertEquals("s-1", j.getSessionID());
        assertEquals(Integer.valueOf(100), j.getProgress());
        assertEquals(Map.of("name", "Ada"), j.getParameters());
        assertTrue(j.getMessages().toString(), j.getMessages().stream().anyMatch(m -> m.startsWith("Hello, Ada!")));
        assertNotNull(j.getEnqueueDate());
        assertNotNull(j.getAttributionDate());
        assertNotNull(j.getBeganRunningDate());
        assertNotNull(j.getEndDate());
        assertFalse(j.getAttributionDate().isBefore(j.getEnqueueDate()));
        assertFalse(j.getBeganRunningDate().isBefore(j.getAttributionDate()));
        assertFalse(j.getEndDate().isBefore(j.getBeganRunningDate()));
        assertTrue("the ended instance is listed", client.getJobs(10).stream().anyMatch(x -> x.getId() == id));
        String stdout = new String(client.getLogStdOut(id).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue("what the payload printed is in its own log: " + stdout, stdout.startsWith("Hello, Ada!"));
    }

    @Test
    public void aFailingPayloadEndsCrashedWithItsReason() throws Exception {
        deploySample();
        long id = client.enqueue(JobRequest.of("HelloWorld").addParameter("fail", "true"));

        JobInstance j = awaitEnd(id);

        assertEquals(State.CRASHED, j.getState());
        assertTrue(j.getMessages().toString(),
                j.getMessages().stream().anyMatch(m -> m.contains("Failing as asked by the parameter fail=true")));
        assertNotNull(j.getEndDate());
    }

    @Test
    public void aPayloadCallingSystemExitEndsCrashedAndTheNodeGoesOn() throws Exception {
        deploySample();
        long id = client.enqueue(JobRequest.of("HelloWorld").addParameter("exit", "3"));

        JobInstance j = awaitEnd(id);

        assertEquals(State.CRASHED, j.getState());
        assertTrue(j.getMessages().toString(), j.getMessages().stream().anyMatch(m -> m.contains("System.exit(3) was called by a payload")));
        assertEquals("the node goes on", State.ENDED, awaitEnd(client.enqueue(JobRequest.of("HelloWorld"))).getState());
    }

    @Test
    public void badRequestsAreRefusedWithAMessageAndCreateNothing() throws Exception {
        deploySample();
        int before = client.getJobs(1000).size();

        String unknown = thrown(JqmInvalidRequestException.class,
                () -> client.enqueue(JobRequest.of("NoSuchJob"))).getMessage();
        assertTrue(unknown, unknown.contains("no job definition named 'NoSuchJob'"));
        assertTrue(unknown, unknown.contains("HelloWorld"));
        String noName = thrown(JqmInvalidRequestException.class, () -> client.enqueue(new JobRequest())).getMessage();
        assertTrue(noName, noName.contains("applicationName"));
        String badQueue = thrown(JqmInvalidRequestException.class,
                () -> client.enqueue(JobRequest.of("HelloWorld").setQueueName("NoSuchQueue"))).getMessage();
        assertTrue(badQueue, badQueue.contains("NoSuchQueue"));
        thrown(JqmInvalidRequestException.class, () -> client.enqueue(JobRequest.of("HelloWorld").setPriority(42)));
        thrown(JqmInvalidRequestException.class, () -> client.getJobs(0));

        assertEquals("no instance was created", before, client.getJobs(1000).size());
    }

    @Test
    public void manyInstancesAllEndOnce() throws Exception {
        deploySample();
        long[] ids = new long[20];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = client.enqueue(JobRequest.of("HelloWorld").addParameter("name", "n" + i));
        }
        for (int i = 0; i < ids.length; i++) {
            JobInstance j = awaitEnd(ids[i]);
            assertEquals(State.ENDED, j.getState());
            // ran exactly once: one greeting, from its own parameters
            assertEquals(j.getMessages().toString(), 1, j.getMessages().size());
            assertTrue(j.getMessages().get(0).startsWith("Hello, n" + i + "!"));
        }
    }
}
