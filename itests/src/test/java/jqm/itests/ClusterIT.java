package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.Properties;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.jdbc.DataSourceFactory;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.State;

/**
 * What a live node does about a dead one. The dead node is what a node killed with kill -9 leaves in
 * the database: its row with a stale heartbeat and an instance still RUNNING, written here with plain
 * JDBC into the database the live node uses (H2 here, PostgreSQL in {@link ClusterOnPostgresIT}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClusterIT extends JqmTestSupport {

    /** @return a connection of its own to the database the node uses */
    private Connection connect() throws Exception {
        java.util.Dictionary<String, Object> db = service(ConfigurationAdmin.class).getConfiguration("jqm.db", "?")
                .getProperties();
        DataSourceFactory factory = (DataSourceFactory) awaitService("(&(objectClass=org.osgi.service.jdbc.DataSourceFactory)"
                + "(osgi.jdbc.driver.class=" + db.get("driver") + "))");
        Properties p = new Properties();
        p.put(DataSourceFactory.JDBC_URL, db.get("url"));
        p.put(DataSourceFactory.JDBC_USER, db.get("user"));
        p.put(DataSourceFactory.JDBC_PASSWORD, db.get("password"));
        return factory.createDataSource(p).getConnection();
    }

    @Test
    public void aLiveNodeEndsTheRunningInstancesOfADeadNodeCrashed() throws Exception {
        long id = 900_000_001L;
        Timestamp longAgo = new Timestamp(System.currentTimeMillis() - 3_600_000);
        try (Connection c = connect()) {
            try (PreparedStatement n = c.prepareStatement(
                    "INSERT INTO JQM_NODE (ID, NAME, STARTED_AT, HEARTBEAT) VALUES (900000001, 'dead-node', ?, ?)")) {
                n.setTimestamp(1, longAgo);
                n.setTimestamp(2, longAgo);
                n.executeUpdate();
            }
            try (PreparedStatement i = c.prepareStatement("INSERT INTO JQM_INSTANCE (ID, JOB_NAME, QUEUE_NAME, NODE_NAME, STATE, "
                    + "PRIORITY, ENQUEUE_DATE, ATTRIBUTION_DATE, START_DATE, KILL_REQUESTED, QUEUE_POSITION) "
                    + "VALUES (?, 'HelloWorld', 'DEFAULT', 'dead-node', 'RUNNING', 0, ?, ?, ?, FALSE, 1)")) {
                i.setLong(1, id);
                i.setTimestamp(2, longAgo);
                i.setTimestamp(3, longAgo);
                i.setTimestamp(4, longAgo);
                i.executeUpdate();
            }
        }
        assertEquals(State.RUNNING, client.get(id).getState());

        JobInstance j = awaitEnd(id); // the node's heartbeat is 1 s here, a node is dead after 5 s of silence

        assertEquals(State.CRASHED, j.getState());
        assertTrue(j.getMessages().toString(), j.getMessages().stream()
                .anyMatch(m -> m.contains("The node dead-node running this instance stopped sending heartbeats")
                        && m.contains("marked CRASHED by node " + NODE)));
    }

    /**
     * What a claim whose answer was lost leaves (its statement committed, the node's connection broken
     * before the answer came): instances ATTRIBUTED or RUNNING on this live node that none of its
     * runners has. Written here with plain JDBC; the node ends them CRASHED once they are older than
     * its dead-after time (5 s here), and leaves alone an instance it runs, however old its claim.
     */
    @Test
    public void aLiveNodeEndsCrashedWhatItClaimedButLostTrackOfNotWhatItRuns() throws Exception {
        deploySample();
        long runs = client.enqueue(JobRequest.of("HelloWorld").addParameter("seconds", "8"));
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (client.get(runs).getState() != State.RUNNING) {
            assertTrue("instance " + runs + " did not start", System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
        Timestamp longAgo = new Timestamp(System.currentTimeMillis() - 3_600_000);
        try (Connection c = connect()) {
            try (PreparedStatement i = c.prepareStatement("INSERT INTO JQM_INSTANCE (ID, JOB_NAME, QUEUE_NAME, NODE_NAME, STATE, "
                    + "PRIORITY, ENQUEUE_DATE, ATTRIBUTION_DATE, START_DATE, KILL_REQUESTED, QUEUE_POSITION) "
                    + "VALUES (?, 'HelloWorld', 'DEFAULT', ?, ?, 0, ?, ?, ?, FALSE, 1)")) {
                for (Object[] lost : new Object[][] { { 900_000_011L, "ATTRIBUTED", null }, { 900_000_012L, "RUNNING", longAgo } }) {
                    i.setLong(1, (Long) lost[0]);
                    i.setString(2, NODE);
                    i.setString(3, (String) lost[1]);
                    i.setTimestamp(4, longAgo);
                    i.setTimestamp(5, longAgo);
                    i.setTimestamp(6, (Timestamp) lost[2]);
                    i.executeUpdate();
                }
            }
            // The instance the node runs, claimed as long ago as the lost ones as far as the database says.
            try (PreparedStatement u = c.prepareStatement("UPDATE JQM_INSTANCE SET ATTRIBUTION_DATE = ? WHERE ID = ?")) {
                u.setTimestamp(1, longAgo);
                u.setLong(2, runs);
                assertEquals(1, u.executeUpdate());
            }
        }
        for (long lost : new long[] { 900_000_011L, 900_000_012L }) {
            JobInstance j = awaitEnd(lost);
            assertEquals(State.CRASHED, j.getState());
            assertTrue(j.getMessages().toString(), j.getMessages().stream()
                    .anyMatch(m -> m.contains("Node " + NODE + " claimed this instance") && m.contains("none of its runners had it")));
        }
        assertEquals("the instance the node runs is left running", State.RUNNING, client.get(runs).getState());
        assertEquals(State.ENDED, awaitEnd(runs).getState());
    }
}
