package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

import jqm.api.client.JobRequest;
import jqm.api.client.State;
import jqm.api.payload.JobPayload;

/** The node's local MBeans, read and operated through the platform MBeanServer as a JMX console does. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LocalJmxIT extends JqmTestSupport {
    private ServiceRegistration<JobPayload> looper;
    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();

    @Before
    public void looper() throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(JobPayload.JOBDEF, "JmxLooper");
        looper = context.registerService(JobPayload.class, ctx -> {
            ctx.setProgress(42);
            while (!ctx.isKillRequested()) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    // the flag ends the loop
                }
            }
        }, props);
        awaitService("(&(objectClass=jqm.api.payload.JobPayload)(jqm.jobdef=JmxLooper))");
    }

    @After
    public void unregister() {
        looper.unregister();
    }

    private void awaitState(long id, State s) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.get(id).getState() != s) {
            assertTrue("instance " + id + " not " + s, System.currentTimeMillis() < deadline);
            Thread.sleep(20);
        }
    }

    @Test
    public void nodeQueueAndRunningInstanceBeansShowTheNodeAndControlIt() throws Exception {
        ObjectName node = new ObjectName("jqm:type=Node,name=" + NODE);
        ObjectName queue = new ObjectName("jqm:type=Node.Queue,Node=" + NODE + ",name=DEFAULT");
        assertTrue(jmx.isRegistered(node));
        assertTrue(jmx.isRegistered(queue));
        assertEquals(Boolean.TRUE, jmx.getAttribute(node, "AllPollersPolling"));
        assertEquals(4, jmx.getAttribute(queue, "MaxConcurrentJobInstanceCount"));
        assertEquals(500L, jmx.getAttribute(queue, "PollingIntervalMilliseconds"));
        long before = (Long) jmx.getAttribute(node, "CumulativeJobInstancesCount");

        long id = client.enqueue(JobRequest.of("JmxLooper").setUser("jmx-user"));
        awaitState(id, State.RUNNING);
        ObjectName instance = new ObjectName("jqm:type=Node.Queue.JobInstance,Node=" + NODE + ",Queue=DEFAULT,name=" + id);
        assertTrue(jmx.isRegistered(instance));
        assertEquals("JmxLooper", jmx.getAttribute(instance, "ApplicationName"));
        assertEquals("jmx-user", jmx.getAttribute(instance, "User"));
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!Integer.valueOf(42).equals(jmx.getAttribute(instance, "Progress"))) {
            assertTrue(System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
        assertEquals(1, jmx.getAttribute(node, "CurrentlyRunningJobCount"));
        assertEquals(1, jmx.getAttribute(queue, "CurrentlyRunningJobCount"));
        assertEquals(before + 1, jmx.getAttribute(node, "CumulativeJobInstancesCount"));

        jmx.invoke(instance, "kill", null, null);
        assertEquals(State.KILLED, awaitEnd(id).getState());
        assertFalse("the instance's bean is gone with it", jmx.isRegistered(instance));
        Set<ObjectName> left = jmx.queryNames(new ObjectName("jqm:type=Node.Queue.JobInstance,*"), null);
        assertTrue(left.toString(), left.isEmpty());

        jmx.invoke(queue, "pause", null, null);
        long waiting = client.enqueue(JobRequest.of("JmxLooper"));
        Thread.sleep(1500);
        assertEquals("a paused queue is not polled", State.SUBMITTED, client.get(waiting).getState());
        jmx.invoke(queue, "resume", null, null);
        awaitState(waiting, State.RUNNING);
        client.kill(waiting);
        awaitEnd(waiting);
    }
}
