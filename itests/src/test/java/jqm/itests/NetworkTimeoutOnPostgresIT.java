package jqm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import jqm.api.client.JobInstance;
import jqm.api.client.JobRequest;
import jqm.api.client.JqmClientException;
import jqm.api.client.State;

/**
 * A database that falls silent (its host or the network gone without closing anything) while the
 * node is busy: the node's connection goes through a relay that stops forwarding ({@link SilentNetwork}).
 * A request in flight, an enqueue (the hot path's own statements) or a read (through JPA), fails after
 * the network timeout (2 s here) with a clear error instead of hanging for good, and once the database
 * answers again the node goes on, every instance it took reaching a final state.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NetworkTimeoutOnPostgresIT extends JqmTestSupport {
    private static SilentNetwork network;
    /** The name of the node's connections, to find them in PostgreSQL's sessions. */
    private static final String APP = "jqm-silent-it";

    @Override
    protected Object[] database() throws Exception {
        Object[] db = OnPostgres.database(context);
        URI pg = URI.create(System.getenv("JQM_IT_PG_URL").substring("jdbc:".length()));
        network = new SilentNetwork(pg.getHost(), pg.getPort());
        for (int i = 0; i < db.length; i += 2) {
            if ("url".equals(db[i])) {
                db[i + 1] = ((String) db[i + 1]).replace("//" + pg.getHost() + ":" + pg.getPort() + "/",
                        "//127.0.0.1:" + network.port() + "/");
            }
        }
        for (int i = 0; i < db.length; i += 2) {
            if ("url".equals(db[i])) {
                db[i + 1] = db[i + 1] + "&ApplicationName=" + APP;
            }
        }
        Object[] more = { "network.timeout.ms", 2000L, "pool.connection.timeout.ms", 3000L };
        Object[] all = java.util.Arrays.copyOf(db, db.length + more.length);
        System.arraycopy(more, 0, all, db.length, more.length);
        return all;
    }

    @After
    public void networkBack() throws Exception {
        network.speakAgain();
    }

    @Test
    public void aRequestToADatabaseFallenSilentFailsAfterTheNetworkTimeoutAndTheNodeGoesOnAfterward() throws Exception {
        deploySample();
        assertEquals(State.ENDED, awaitEnd(client.enqueue(JobRequest.of("HelloWorld"))).getState());

        // A busy client: its connections never idle long enough for the pool to check them first.
        List<Long> enqueued = new CopyOnWriteArrayList<>();
        failsOnceSilent("an enqueue",
                () -> enqueued.add(client.enqueue(JobRequest.of("HelloWorld").setKeyword1("busy-" + UUID.randomUUID()))));
        assertTrue("some enqueues went through before the silence", !enqueued.isEmpty());

        network.speakAgain();
        long again = enqueueOnceTheDatabaseAnswers("the database is back");
        assertEquals(State.ENDED, awaitEnd(again).getState());
        // Nothing is left hanging: every instance enqueued before the silence reaches a final state (an
        // instance whose end and next claim were committed while the answer was lost ends CRASHED, with why).
        for (long id : enqueued) {
            JobInstance j = awaitEnd(id);
            assertTrue(id + " " + j.getState() + " " + j.getMessages(), j.getState() == State.ENDED
                    || j.getMessages().stream().anyMatch(m -> m.contains("none of its runners had it")));
        }
    }

    @Test
    public void aReadOfTheClientFromADatabaseFallenSilentFailsAfterTheNetworkTimeout() throws Exception {
        deploySample();
        long id = awaitEnd(client.enqueue(JobRequest.of("HelloWorld"))).getId();

        // Reads through JPA (an instance with its parameters and messages), from a busy client as above.
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        RuntimeException failure = failsOnceSilent("a read", () -> {
            assertEquals(State.ENDED, client.get(id).getState());
            reads.incrementAndGet();
        });
        assertTrue("some reads went through before the silence", reads.get() > 0);
        assertTrue(failure.getMessage(), failure.getMessage().contains("read instance " + id));

        network.speakAgain();
        assertEquals(State.ENDED, awaitEnd(enqueueOnceTheDatabaseAnswers("the database is back")).getState());
        assertEquals(State.ENDED, client.get(id).getState());
    }

    @Test
    public void theListenerOfEnqueuesListensAgainAfterTheNetworkLostItsConnectionWithoutTellingIt() throws Exception {
        try (java.sql.Connection watch = OnPostgres.connect(context, System.getenv("JQM_IT_PG_URL"))) {
            PostgresPoolIT.awaitListening(watch, APP);
            network.fallSilent();
            Thread.sleep(500);
            network.speakAgainLosingTheNodesConnections();
            // The database dropped its side: nobody of the node listens until the node finds out (at its next check
            // of the listening connection, then within the network timeout) and listens again.
            long lost = System.currentTimeMillis();
            String listeners = "SELECT count(*) " + PostgresPoolIT.connectionsOf(APP) + " AND query LIKE 'LISTEN %'";
            while (PostgresPoolIT.count(watch, listeners) != 0) {
                assertTrue("the database still has the node's listening session", System.currentTimeMillis() - lost < 10_000);
                Thread.sleep(20);
            }
            PostgresPoolIT.awaitListening(watch, APP);
            assertTrue("listening again after " + (System.currentTimeMillis() - lost) + " ms",
                    System.currentTimeMillis() - lost < 25_000);
        }
    }

    /**
     * Calls {@code call} over and over from a thread of its own, falls silent half a second later, and
     * checks that a call then fails, within 20 s, with the node's clear error of a database that did
     * not answer within the network timeout. @return that failure
     */
    private static RuntimeException failsOnceSilent(String what, Runnable call) throws InterruptedException {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread busy = new Thread(() -> {
            try {
                while (true) {
                    call.run();
                }
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "busy-client");
        busy.start();
        Thread.sleep(500);
        network.fallSilent();
        long silentAt = System.currentTimeMillis();
        busy.join(60_000);
        long failedAfter = System.currentTimeMillis() - silentAt;
        if (busy.isAlive()) {
            busy.interrupt();
            fail(what + " to a silent database still hangs after 60 s");
        }
        assertNotNull(failure.get());
        assertTrue(failure.get().toString(), failure.get() instanceof JqmClientException);
        assertTrue(failure.get().getMessage(), failure.get().getMessage().contains("did not answer within 2000 ms"));
        assertTrue("failed after " + failedAfter + " ms", failedAfter < 20_000);
        return failure.get();
    }
}
