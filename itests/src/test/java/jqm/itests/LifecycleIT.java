package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmInvalidRequestException;
import jqm.api.client.NoSuchJobInstanceException;
import jqm.api.client.Query;
import jqm.api.client.State;
import jqm.api.payload.JobPayload;

/** The life of an instance through the JqmClient service: kill, time limit, hold, cancel, move, restart, query. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LifecycleIT extends JqmTestSupport {
    private final List<ServiceRegistration<?>> payloads = new ArrayList<>();

    /** Runs until killed, checking the flag (a cooperative payload). */
    private static final JobPayload LOOPER = ctx -> {
        while (!ctx.isKillRequested()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                // the kill interrupts the thread too; the flag ends the loop
            }
        }
    };

    /** Sleeps a minute: only the interrupt of a kill ends it early. */
    private static final JobPayload SLEEPER = ctx -> Thread.sleep(60_000);

    /** Enqueues three HelloWorld children, waits for them, and says how they ended. */
    private static final JobPayload PARENT = ctx -> {
        for (int i = 0; i < 3; i++) {
            ctx.enqueueChild(JobRequest.of("HelloWorld").addParameter("name", "child" + i).addParameter("seconds", "1"));
        }
        List<JobInstance> children = ctx.waitForChildren();
        ctx.sendMessage(children.size() + " children: " + children.stream().map(c -> c.getState().name()).toList());
    };

    @Before
    public void payloads() throws Exception {
        deploySample();
        register("Looper", LOOPER, Map.of());
        register("Overrun", SLEEPER, Map.of(JobPayload.MAX_RUN_TIME_SECONDS, 1));
        register("Parent", PARENT, Map.of());
    }

    @Test
    public void aParentEnqueuesChildrenAndWaitsForThem() throws Exception {
        long parent = client.enqueue(JobRequest.of("Parent"));

        JobInstance p = awaitEnd(parent);

        assertEquals(State.ENDED, p.getState());
        assertTrue(p.getMessages().toString(), p.getMessages().contains("3 children: [ENDED, ENDED, ENDED]"));
        Query children = client.query(new Query().setParentId(parent));
        assertEquals(3, children.getResultSize());
        for (JobInstance c : children.getInstances()) {
            assertEquals(Long.valueOf(parent), c.getParent());
            assertFalse("the parent ended after its children", p.getEndDate().isBefore(c.getEndDate()));
        }
    }

    @After
    public void unregister() {
        payloads.forEach(ServiceRegistration::unregister);
        payloads.clear();
    }

    private void register(String name, JobPayload payload, Map<String, Object> extra) throws Exception {
        Dictionary<String, Object> props = new Hashtable<>(extra);
        props.put(JobPayload.JOBDEF, name);
        payloads.add(context.registerService(JobPayload.class, payload, props));
        awaitService("(&(objectClass=jqm.api.payload.JobPayload)(jqm.jobdef=" + name + "))");
    }

    private State awaitState(long id, State wanted) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        State s = client.get(id).getState();
        while (s != wanted) {
            if (System.currentTimeMillis() > deadline) {
                fail("instance " + id + " is " + s + ", not " + wanted);
            }
            Thread.sleep(20);
            s = client.get(id).getState();
        }
        return s;
    }

    private static boolean hasMessage(JobInstance j, String part) {
        return j.getMessages().stream().anyMatch(m -> m.contains(part));
    }

    @Test
    public void aRunningJavaPayloadIsKilled() throws Exception {
        long id = client.enqueue(JobRequest.of("Looper"));
        awaitState(id, State.RUNNING);

        client.kill(id);

        JobInstance j = awaitEnd(id);
        assertEquals(State.KILLED, j.getState());
        assertTrue(j.getMessages().toString(), hasMessage(j, "Killed on request"));
        String again = thrown(JqmInvalidRequestException.class, () -> client.kill(id)).getMessage();
        assertTrue(again, again.contains("it is KILLED"));
    }

    @Test
    public void changingTheNodeConfigurationDoesNotDisturbRunningInstances() throws Exception {
        long id = client.enqueue(JobRequest.of("Looper"));
        awaitState(id, State.RUNNING);
        Configuration node = service(ConfigurationAdmin.class).getConfiguration("jqm.node", "?");
        Dictionary<String, Object> before = node.getProperties();
        Dictionary<String, Object> changed = new Hashtable<>();
        for (String k : java.util.Collections.list(before.keys())) {
            changed.put(k, before.get(k));
        }
        changed.put("stop.timeout.seconds", 7);
        node.update(changed);
        Thread.sleep(1500);
        assertEquals("still running", State.RUNNING, client.get(id).getState());
        client.kill(id);
        assertEquals("killed, not crashed by a restart of the engine", State.KILLED, awaitEnd(id).getState());
        changed.put("stop.timeout.seconds", before.get("stop.timeout.seconds") == null ? 30 : before.get("stop.timeout.seconds"));
        node.update(changed);
        assertEquals(State.ENDED, awaitEnd(client.enqueue(JobRequest.of("HelloWorld"))).getState());
    }

    @Test
    public void theMaximumRunTimeIsEnforced() throws Exception {
        long id = client.enqueue(JobRequest.of("Overrun"));

        JobInstance j = awaitEnd(id);

        assertEquals(State.KILLED, j.getState());
        assertTrue(j.getMessages().toString(), hasMessage(j, "maximum run time of 1 s"));
        assertTrue("killed after about a second, not after the minute it sleeps",
                j.getEndDate().toEpochMilli() - j.getBeganRunningDate().toEpochMilli() < 15_000);
        assertEquals(Integer.valueOf(1), client.getJobDefinitions().stream()
                .filter(d -> d.getApplicationName().equals("Overrun")).findFirst().get().getMaxRunTimeSeconds());
    }

    @Test
    public void aHeldInstanceWaitsUntilResumedAndCanBeChangedMeanwhile() throws Exception {
        long id = client.enqueue(JobRequest.of("HelloWorld").setStartHeld(true));
        assertEquals(State.HOLDED, client.get(id).getState());
        Thread.sleep(1200); // more than a polling interval: nobody claims a held instance
        assertEquals(State.HOLDED, client.get(id).getState());

        client.setPriority(id, 7);
        assertEquals(7, client.get(id).getPriority());
        assertTrue(thrown(JqmInvalidRequestException.class, () -> client.setPriority(id, 11)).getMessage().contains("priority"));
        assertTrue(thrown(JqmInvalidRequestException.class, () -> client.setQueue(id, "NoSuchQueue")).getMessage()
                .contains("NoSuchQueue"));

        Configuration parking = service(ConfigurationAdmin.class).getFactoryConfiguration("jqm.queue", "parking", "?");
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("enabled", false);
        parking.update(d);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.getQueues().stream().noneMatch(q -> q.getName().equals("parking"))) {
            assertTrue("queue created", System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
        client.setQueue(id, "parking");
        client.resume(id);
        Thread.sleep(1200);
        assertEquals("nobody polls the queue it was moved to", State.SUBMITTED, client.get(id).getState());
        assertEquals("parking", client.get(id).getQueueName());
        client.setQueue(id, "DEFAULT");
        assertEquals(State.ENDED, awaitEnd(id).getState());
        parking.delete();
        String late = thrown(JqmInvalidRequestException.class, () -> client.pause(id)).getMessage();
        assertTrue(late, late.contains("it is ENDED"));
    }

    @Test
    public void waitingInstancesAreCancelledOrDeleted() throws Exception {
        long cancelled = client.enqueue(JobRequest.of("HelloWorld").setStartHeld(true));
        client.cancel(cancelled);
        JobInstance c = client.get(cancelled);
        assertEquals(State.CANCELLED, c.getState());
        assertTrue(c.getBeganRunningDate() == null);
        assertTrue(thrown(JqmInvalidRequestException.class, () -> client.cancel(cancelled)).getMessage()
                .contains("it has ended"));

        long deleted = client.enqueue(JobRequest.of("HelloWorld").setStartHeld(true));
        client.delete(deleted);
        thrown(NoSuchJobInstanceException.class, () -> client.get(deleted));
        thrown(NoSuchJobInstanceException.class, () -> client.delete(deleted));

        long killedWhileWaiting = client.enqueue(JobRequest.of("HelloWorld").setStartHeld(true));
        client.kill(killedWhileWaiting);
        assertEquals(State.CANCELLED, client.get(killedWhileWaiting).getState());
    }

    @Test
    public void aScheduledInstanceStartsAfterItsDate() throws Exception {
        Instant after = Instant.now().plusSeconds(2);
        long id = client.enqueue(JobRequest.of("HelloWorld").setRunAfter(after));
        assertEquals(State.SCHEDULED, client.get(id).getState());

        JobInstance j = awaitEnd(id);

        assertEquals(State.ENDED, j.getState());
        assertFalse("started after its date", j.getBeganRunningDate().isBefore(after));
    }

    @Test
    public void crashedInstancesAreRestartedAndEndedOnesEnqueuedAgain() throws Exception {
        long crashed = client.enqueue(JobRequest.of("HelloWorld").setUser("u1").addParameter("fail", "true"));
        assertEquals(State.CRASHED, awaitEnd(crashed).getState());

        long restarted = client.restartCrashed(crashed);
        assertNotEquals(crashed, restarted);
        JobInstance r = awaitEnd(restarted);
        assertEquals("same parameters", Map.of("fail", "true"), r.getParameters());
        assertEquals("u1", r.getUser());
        assertEquals("the crashed one stays in history", State.CRASHED, client.get(crashed).getState());

        long ended = client.enqueue(JobRequest.of("HelloWorld").addParameter("name", "Again"));
        assertEquals(State.ENDED, awaitEnd(ended).getState());
        thrown(JqmInvalidRequestException.class, () -> client.restartCrashed(ended));
        long again = client.enqueueFromHistory(ended);
        assertEquals(Map.of("name", "Again"), awaitEnd(again).getParameters());
    }

    @Test
    public void aQueueServesHighestPriorityFirstThenOldest() throws Exception {
        ConfigurationAdmin ca = service(ConfigurationAdmin.class);
        Configuration ordered = ca.getFactoryConfiguration("jqm.queue", "ordered", "?");
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("max.concurrent", 1);
        d.put("enabled", false);
        ordered.update(d);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.getQueues().stream().noneMatch(q -> q.getName().equals("ordered"))) {
            assertTrue("queue created", System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
        long low = client.enqueue(JobRequest.of("HelloWorld").setQueueName("ordered").setPriority(1));
        long highOld = client.enqueue(JobRequest.of("HelloWorld").setQueueName("ordered").setPriority(9));
        long none = client.enqueue(JobRequest.of("HelloWorld").setQueueName("ordered"));
        long highNew = client.enqueue(JobRequest.of("HelloWorld").setQueueName("ordered").setPriority(9));
        long mid = client.enqueue(JobRequest.of("HelloWorld").setQueueName("ordered").setPriority(5));

        d.put("enabled", true);
        ordered.update(d);
        List<Long> expected = List.of(highOld, highNew, mid, low, none);
        for (long id : expected) {
            awaitEnd(id);
        }
        List<Long> byStart = new ArrayList<>(expected);
        byStart.sort((a, b) -> client.get(a).getBeganRunningDate().compareTo(client.get(b).getBeganRunningDate()));
        assertEquals(expected, byStart);
        ordered.delete();
    }

    @Test
    public void queriesFilterOrderPageAndCount() throws Exception {
        String session = "q-" + System.nanoTime();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(client.enqueue(JobRequest.of("HelloWorld").setSessionID(session).setUser(i % 2 == 0 ? "even" : "odd")
                    .addParameter("fail", Boolean.toString(i == 4))));
        }
        long held = client.enqueue(JobRequest.of("HelloWorld").setSessionID(session).setUser("even").setStartHeld(true));
        for (long id : ids) {
            awaitEnd(id);
        }

        Query all = client.query(new Query().setSessionId(session));
        assertEquals("live and history together", 6, all.getResultSize());
        assertEquals(held, all.getInstances().get(0).getId());

        Query page = client.query(new Query().setSessionId(session).setSort(Query.Sort.ID, false).setFirstRow(1).setPageSize(2));
        assertEquals(6, page.getResultSize());
        assertEquals(List.of(ids.get(1), ids.get(2)), page.getInstances().stream().map(JobInstance::getId).toList());

        Query evenEnded = client.query(new Query().setSessionId(session).setUser("even").addState(State.ENDED));
        assertEquals(2, evenEnded.getResultSize());
        Query crashed = client.query(new Query().setSessionId(session).addState(State.CRASHED));
        assertEquals(List.of(ids.get(4)), crashed.getInstances().stream().map(JobInstance::getId).toList());
        Query live = client.query(new Query().setSessionId(session).setQueryHistoryInstances(false));
        assertEquals(List.of(held), live.getInstances().stream().map(JobInstance::getId).toList());
        Query endedLately = client.query(new Query().setSessionId(session).setEndedAfter(Instant.now().minusSeconds(600)));
        assertEquals("an end date matches ended instances only", 5, endedLately.getResultSize());
        assertEquals(0, client.query(new Query().setSessionId(session).setEnqueuedBefore(Instant.now().minusSeconds(600)))
                .getResultSize());
        thrown(JqmInvalidRequestException.class, () -> client.query(new Query().setPageSize(0)));

        assertTrue(client.getMessages(ids.get(0)).get(0).startsWith("Hello, world!"));
        client.cancel(held);
    }
}
