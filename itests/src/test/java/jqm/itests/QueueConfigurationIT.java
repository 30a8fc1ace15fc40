package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.State;

/**
 * Queues declared by configuration (conf/jqm.queue~NAME.cfg is the factory configuration jqm.queue~NAME):
 * created, polled with their slots, changed while running, woken by an enqueue, and removed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class QueueConfigurationIT extends JqmTestSupport {

    private static Dictionary<String, Object> queue(int slots, long intervalMs) {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("max.concurrent", slots);
        d.put("polling.interval.ms", intervalMs);
        d.put("description", "batch work");
        return d;
    }

    private void awaitQueue(String name) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.getQueues().stream().noneMatch(q -> q.getName().equals(name))) {
            if (System.currentTimeMillis() > deadline) {
                fail("queue " + name + " was not created");
            }
            Thread.sleep(50);
        }
    }

    /**
     * Enqueues instances lasting a few seconds and returns the most that were claimed at once, each
     * count read in one query (reading instances one by one would mix moments).
     */
    private int mostAtOnce(String queue, int count) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(client.enqueue(JobRequest.of("HelloWorld").setQueueName(queue).addParameter("seconds", "2")));
        }
        int most = 0;
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            int active = 0;
            int ended = 0;
            for (JobInstance j : client.getJobs(1000)) {
                if (ids.contains(j.getId())) {
                    State s = j.getState();
                    active += s == State.RUNNING || s == State.ATTRIBUTED ? 1 : 0;
                    ended += s.isFinal() ? 1 : 0;
                }
            }
            most = Math.max(most, active);
            if (ended == count) {
                return most;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("only " + ended + " of " + count + " instances ended");
            }
            Thread.sleep(50);
        }
    }

    @Test
    public void aQueueFileIsPolledWithItsSlotsFollowedWhenEditedAndLeftWhenRemoved() throws Exception {
        deploySample();
        Configuration batch = service(ConfigurationAdmin.class).getFactoryConfiguration("jqm.queue", "batch", "?");
        batch.update(queue(2, 60_000));
        awaitQueue("batch");
        assertEquals("batch work", client.getQueues().stream().filter(q -> q.getName().equals("batch")).findFirst()
                .get().getDescription());

        assertEquals("never more than the 2 slots, and both used", 2, mostAtOnce("batch", 5));

        batch.update(queue(4, 60_000));
        Thread.sleep(500);
        assertEquals("the new slot count applies without a restart", 4, mostAtOnce("batch", 6));

        // The poller now sleeps for 60 s: only the enqueue's wake-up can start this one quickly.
        Thread.sleep(500);
        long woken = client.enqueue(JobRequest.of("HelloWorld").setQueueName("batch"));
        long start = System.currentTimeMillis();
        assertEquals(State.ENDED, awaitEnd(woken).getState());
        assertTrue("started by the wake-up, not the 60 s poll", System.currentTimeMillis() - start < 20_000);

        batch.delete();
        Thread.sleep(1000);
        long left = client.enqueue(JobRequest.of("HelloWorld").setQueueName("batch"));
        Thread.sleep(2000);
        assertEquals("nobody polls a removed queue", State.SUBMITTED, client.get(left).getState());
        assertTrue("the queue itself stays", client.getQueues().stream().anyMatch(q -> q.getName().equals("batch")));
    }
}
