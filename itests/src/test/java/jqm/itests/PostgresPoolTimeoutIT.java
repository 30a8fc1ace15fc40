package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import jqm.api.client.JobRequest;
import jqm.api.client.JqmClientException;
import jqm.api.client.State;

/**
 * A node whose pool has no free connection: a transaction waits the pool's connection timeout, then
 * fails with an error that says so (as on a database outage), and the node goes on once connections
 * are free again. A class of its own, with a pool of 3 and a timeout of 1 s, which would slow or
 * fail the busier tests of {@link PostgresPoolIT}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PostgresPoolTimeoutIT extends JqmTestSupport {
    private static final String APP = "jqm-pool-timeout-it";
    private static final long TIMEOUT = 1_000;
    private static final int POOL = 3;

    @Override
    protected Object[] database() throws Exception {
        List<Object> kv = new ArrayList<>(Arrays.asList(OnPostgres.database(context)));
        int url = kv.indexOf("url") + 1;
        kv.set(url, kv.get(url) + "&ApplicationName=" + APP);
        // The LISTEN connection and two more.
        kv.addAll(List.of("pool.max.size", POOL, "pool.connection.timeout.ms", TIMEOUT));
        return kv.toArray();
    }

    @Test
    public void aTransactionThatGetsNoConnectionInTimeFailsWithAClearErrorAndTheNodeGoesOn() throws Exception {
        deploySample();
        // The node is up, its payload declared: from now on only this test holds connections for long.
        assertEquals(State.ENDED, awaitEnd(client.enqueue(JobRequest.of("HelloWorld"))).getState());
        DataSource pool = (DataSource) awaitService("(&(objectClass=javax.sql.DataSource)(osgi.jndi.service.name=jqm))");
        assertNotNull("the node's pool, as a DataSource service", pool);
        try (Connection watch = PostgresPoolIT.observer(context)) {
            PostgresPoolIT.awaitListening(watch, APP);
        }
        List<Connection> held = new ArrayList<>();
        try {
            SQLException exhausted = null;
            while (exhausted == null) {
                try {
                    held.add(pool.getConnection());
                } catch (SQLException e) {
                    exhausted = e;
                }
                assertTrue("the pool gave more connections than it has besides the LISTEN one", held.size() <= POOL - 1);
            }
            assertEquals("all the pool's connections are taken", POOL - 1, held.size());

            long start = System.nanoTime();
            JqmClientException e = thrown(JqmClientException.class, () -> client.enqueue(JobRequest.of("HelloWorld")));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue("failed after " + ms + " ms, the pool's timeout is " + TIMEOUT, ms >= TIMEOUT - 100 && ms < TIMEOUT + 9_000);
            assertTrue(e.getMessage(), e.getMessage().startsWith("Database failure while trying to ")
                    && e.getMessage().matches(".*Connection is not available, request timed out after \\d+ms.*"));

            held.remove(0).close();
            assertEquals("once a connection is free again", State.ENDED, awaitEnd(client.enqueue(JobRequest.of("HelloWorld"))).getState());
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }
}
