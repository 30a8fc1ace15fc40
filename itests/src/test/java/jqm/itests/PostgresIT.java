package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.ThreadLocalRandom;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.State;

/**
 * What the engine does on PostgreSQL beyond the portable path: claims that use the partial index of
 * waiting instances, and wake-ups through LISTEN/NOTIFY of instances enqueued by anyone.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PostgresIT extends JqmTestSupport {
    private static final long SLOW_POLL_MS = 120_000;

    @Override
    protected Object[] database() throws Exception {
        return OnPostgres.database(context);
    }

    private Connection connect() throws Exception {
        Configuration c = service(ConfigurationAdmin.class).getConfiguration("jqm.db", "?");
        return OnPostgres.connect(context, (String) c.getProperties().get("url"));
    }

    @Test
    public void anInstanceWrittenByAnotherClientStartsWithoutWaitingForThePollingInterval() throws Exception {
        deploySample();
        // A queue polled every two minutes: only a notification can start its work sooner.
        Configuration slow = service(ConfigurationAdmin.class).getFactoryConfiguration("jqm.queue", "slow", "?");
        Dictionary<String, Object> q = new Hashtable<>();
        q.put("max.concurrent", 2);
        q.put("polling.interval.ms", SLOW_POLL_MS);
        slow.update(q);
        try {
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName poller = new ObjectName("jqm:type=Node.Queue,Node=" + NODE + ",name=slow");
            long deadline = System.currentTimeMillis() + TIMEOUT_MS;
            while (!jmx.isRegistered(poller) || jmx.getAttribute(poller, "LastPoll") == null) {
                assertTrue("the queue slow is not polled", System.currentTimeMillis() < deadline);
                Thread.sleep(50);
            }
            Thread.sleep(500); // its first poll is over: the next one is two minutes away

            // Written as another node or client would: straight into the database, not through this node.
            long id = 900_000_000L + ThreadLocalRandom.current().nextInt(1_000_000);
            Timestamp now = new Timestamp(System.currentTimeMillis());
            try (Connection c = connect(); PreparedStatement i = c.prepareStatement("INSERT INTO jqm_instance (id, job_name, "
                    + "queue_name, state, priority, enqueue_date, kill_requested, queue_position) VALUES (?, 'HelloWorld', 'slow', "
                    + "'SUBMITTED', 0, ?, false, 1)")) {
                i.setLong(1, id);
                i.setTimestamp(2, now);
                i.executeUpdate();
            }
            JobInstance done = awaitEnd(id);
            assertEquals(State.ENDED, done.getState());
            Duration wait = Duration.between(now.toInstant(), done.getAttributionDate());
            assertTrue("claimed after " + wait + ", not woken by the notification", wait.toMillis() < SLOW_POLL_MS / 4);
        } finally {
            slow.delete();
        }
    }

    @Test
    public void anInstanceEnqueuedHereIsNotifiedToEveryNodeOnceCommitted() throws Exception {
        deploySample();
        // This connection listens as another node does.
        try (Connection other = connect(); Statement s = other.createStatement()) {
            s.execute("LISTEN jqm_submitted");
            long id = client.enqueue(JobRequest.of("HelloWorld"));
            PGNotification[] received = other.unwrap(PGConnection.class).getNotifications((int) TIMEOUT_MS);
            assertTrue("the other nodes are notified within " + TIMEOUT_MS + " ms", received != null && received.length > 0);
            assertEquals(client.get(id).getQueueName(), received[0].getParameter());
            // Sent once committed: whoever is notified finds the instance (waiting, or already run by this node).
            try (ResultSet r = s.executeQuery("SELECT (SELECT count(*) FROM jqm_instance WHERE id = " + id + ") + "
                    + "(SELECT count(*) FROM jqm_history WHERE id = " + id + ")")) {
                r.next();
                assertEquals(1, r.getLong(1));
            }
            awaitEnd(id);
        }
    }

    @Test
    public void theClaimReadsThePartialIndexOfWaitingInstances() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'jqm_instance_waiting' "
                    + "AND schemaname = current_schema()")) {
                assertTrue("the partial index of waiting instances exists", r.next());
                assertTrue(r.getString(1), r.getString(1).contains("WHERE"));
            }
            // The planner would scan a table this small whatever the index; forbid it to see that the index serves the claim.
            s.execute("SET enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet r = s.executeQuery("EXPLAIN SELECT i.id FROM jqm_instance i WHERE i.queue_name = 'DEFAULT' "
                    + "AND i.state = 'SUBMITTED' ORDER BY i.priority DESC, i.queue_position, i.id LIMIT 8 FOR UPDATE SKIP LOCKED")) {
                while (r.next()) {
                    plan.append(r.getString(1)).append('\n');
                }
            }
            assertTrue(plan.toString(), plan.toString().contains("jqm_instance_waiting"));
        }
    }
}
