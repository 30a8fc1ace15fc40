package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.client.JobRequest;
import jqm.api.client.State;

/**
 * The node's connection pool on PostgreSQL, seen from the database (pg_stat_activity and
 * pg_stat_database) as an operator would: the node never holds more connections than its pool
 * size, the LISTEN connection included; it reuses them; connections killed by the database are
 * replaced. {@link PostgresPoolTimeoutIT}: a transaction that gets no connection in time.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PostgresPoolIT extends JqmTestSupport {
    /** The node's connections are named so in pg_stat_activity (ApplicationName in the JDBC URL). */
    private static final String APP = "jqm-pool-it";
    private static final int POOL = 4;

    @Override
    protected Object[] database() throws Exception {
        List<Object> kv = new ArrayList<>(Arrays.asList(OnPostgres.database(context)));
        int url = kv.indexOf("url") + 1;
        kv.set(url, kv.get(url) + "&ApplicationName=" + APP);
        kv.addAll(List.of("pool.max.size", POOL, "pool.min.idle", 1, "pool.connection.timeout.ms", 30_000L));
        return kv.toArray();
    }

    /** A connection of the test's own (not named like the node's), to watch the node's from outside. */
    static Connection observer(org.osgi.framework.BundleContext context) throws Exception {
        return OnPostgres.connect(context, System.getenv("JQM_IT_PG_URL"));
    }

    private Connection observer() throws Exception {
        return observer(context);
    }

    static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }

    /** The end of a query on the sessions of a node whose connections are named app. */
    static String connectionsOf(String app) {
        return "FROM pg_stat_activity WHERE datname = current_database() AND application_name = '" + app + "'";
    }

    private static final String NODE_CONNECTIONS = connectionsOf(APP);

    @Test
    public void theNodeHoldsNoMoreConnectionsThanItsPoolAndReusesThem() throws Exception {
        deploySample();
        Configuration busy = service(ConfigurationAdmin.class).getFactoryConfiguration("jqm.queue", "busy", "?");
        Dictionary<String, Object> q = new Hashtable<>();
        q.put("max.concurrent", 16);
        q.put("polling.interval.ms", 200L);
        busy.update(q);
        awaitQueue("busy");
        try (Connection watch = observer(); Connection sampling = observer()) {
            awaitListening(watch);
            int sessionsBefore = count(watch, "SELECT sessions FROM pg_stat_database WHERE datname = current_database()");

            // The node's connections, sampled while 8 clients enqueue 200 instances run 16 at a time.
            AtomicBoolean sample = new AtomicBoolean(true);
            AtomicInteger most = new AtomicInteger();
            Set<Integer> pids = Collections.synchronizedSet(new HashSet<>());
            Thread sampler = new Thread(() -> {
                try (Statement s = sampling.createStatement()) {
                    while (sample.get()) {
                        int n = 0;
                        try (ResultSet r = s.executeQuery("SELECT pid " + NODE_CONNECTIONS)) {
                            while (r.next()) {
                                pids.add(r.getInt(1));
                                n++;
                            }
                        }
                        most.accumulateAndGet(n, Math::max);
                        Thread.sleep(10);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "pg_stat_activity sampler");
            sampler.start();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<Long>> ids = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ids.add(clients.submit(() -> client.enqueue(JobRequest.of("HelloWorld").setQueueName("busy"))));
            }
            clients.shutdown();
            assertTrue(clients.awaitTermination(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            for (Future<Long> id : ids) {
                assertEquals(State.ENDED, awaitEnd(id.get()).getState());
            }
            sample.set(false);
            sampler.join();

            assertTrue("connections of the node seen at once: " + most.get(), most.get() >= 1 && most.get() <= POOL);
            assertTrue("connections of the node over the run: " + pids, pids.size() <= POOL);
            // Without a pool every transaction (hundreds here) opens a session of its own.
            int opened = count(watch, "SELECT sessions FROM pg_stat_database WHERE datname = current_database()") - sessionsBefore;
            assertTrue("sessions opened while 200 instances were enqueued and run: " + opened, opened <= POOL + 2);
            assertEquals("the LISTEN connection is one of the pool's", 1, count(watch, "SELECT count(*) " + NODE_CONNECTIONS
                    + " AND query LIKE 'LISTEN %'"));
        } finally {
            busy.delete();
        }
    }

    @Test
    public void connectionsKilledByTheDatabaseAreReplaced() throws Exception {
        deploySample();
        try (Connection watch = observer()) {
            awaitListening(watch);
            int killed = count(watch, "SELECT count(pg_terminate_backend(pid)) " + NODE_CONNECTIONS);
            assertTrue("killed " + killed, killed >= 1);
            // The first transactions may fail on a dead connection (each is then dropped from the pool).
            long id = enqueueOnceTheDatabaseAnswers("the kill");
            assertEquals(State.ENDED, awaitEnd(id).getState());
            awaitListening(watch);
            int now = count(watch, "SELECT count(*) " + NODE_CONNECTIONS);
            assertTrue("connections of the node: " + now, now >= 1 && now <= POOL);
        }
    }

    private static void awaitListening(Connection watch) throws Exception {
        awaitListening(watch, APP);
    }

    /** Waits until one connection of the node listens to enqueue notifications. */
    static void awaitListening(Connection watch, String app) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (count(watch, "SELECT count(*) " + connectionsOf(app) + " AND query LIKE 'LISTEN %'") != 1) {
            assertTrue("no connection of the node listens", System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
    }

    /** Waits until this node polls the queue (declared by a configuration, applied asynchronously). */
    private static void awaitQueue(String name) throws Exception {
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName poller = new javax.management.ObjectName("jqm:type=Node.Queue,Node=" + NODE + ",name=" + name);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!jmx.isRegistered(poller)) {
            assertTrue("the queue " + name + " is not polled", System.currentTimeMillis() < deadline);
            Thread.sleep(50);
        }
    }
}
