package jqm.engine.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import jqm.engine.schema.Schema;
import jqm.engine.schema.TestSchema;

/**
 * The PostgreSQL hot path's statements on a real PostgreSQL (skipped without one; ./test provides
 * it): what they do, and that PostgreSQL plans each once per connection and reuses the plan, rather
 * than planning it again at every call (which took half of the database's time in a drain).
 */
public class PostgresSqlTest {
    private TestSchema schema;
    private EntityManagerFactory emf;
    private Connection c;

    @Before
    public void database() throws Exception {
        schema = TestSchema.create("hot");
        emf = Persistence.createEntityManagerFactory("jqm", schema.unit());
        new Schema(emf); // the schema from the changelog, as a node makes it
        c = schema.connect();
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO jqm_instance (id, job_name, queue_name, state, priority, enqueue_date, kill_requested, queue_position) "
                    + "SELECT g, 'Job', 'DEFAULT', 'SUBMITTED', 0, now(), false, g FROM generate_series(1, 1000) g");
            s.execute("SELECT setval('jqm_instance_seq', 100000)"); // new requests after these
            s.execute("ANALYZE jqm_instance");
        }
    }

    @After
    public void close() throws Exception {
        if (c != null) {
            c.close();
        }
        if (emf != null) {
            emf.close();
        }
        if (schema != null) {
            schema.close();
        }
    }

    @Test
    public void claimStartAndEndAreEachPlannedOnceAndTheirPlansReused() throws Exception {
        List<Long> done = new ArrayList<>();
        for (int round = 0; round < 60; round++) {
            List<Claim> claims = PostgresSql.claim(c, new PostgresSql.ClaimRequest("DEFAULT", "n0", 1 + round % 3));
            assertEquals("claimed in serving order", 1 + round % 3, claims.size());
            List<Long> ids = claims.stream().map(Claim::id).toList();
            for (Long id : ids) {
                assertEquals("claimed in serving order", (long) done.size() + 1 + ids.indexOf(id), (long) id);
            }
            assertEquals(java.util.Collections.nCopies(ids.size(), null), starts(ids));
            List<PostgresSql.Transition> endings = ids.stream()
                    .map(id -> PostgresSql.Transition.end(id, id % 2 == 0 ? "ENDED" : "CRASHED")).toList();
            assertEquals(java.util.Collections.nCopies(ids.size(), true), PostgresSql.transition(c, endings));
            done.addAll(ids);
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE state = 'ENDED' AND id % 2 = 0 "
                        + "OR state = 'CRASHED' AND id % 2 = 1), count(*) FILTER (WHERE start_date IS NOT NULL AND end_date IS NOT NULL "
                        + "AND node_name = 'n0') FROM jqm_history")) {
            r.next();
            assertEquals("moved to history", done.size(), r.getInt(1));
            assertEquals("each with its own final state", done.size(), r.getInt(2));
            assertEquals("with its node and dates", done.size(), r.getInt(3));
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
                        + "WHERE statement LIKE '%jqm_instance%'")) {
            int statements = 0;
            while (r.next()) {
                statements++;
                assertTrue("a reused plan for " + r.getString(1) + " (generic " + r.getLong(2) + ", custom " + r.getLong(3) + ")",
                        r.getLong(2) > 0);
            }
            // the claims of 1, 2 and 3 instances are three statements (the limit is written in), plus starts and ends
            assertEquals("hot path statements prepared on this connection", 4, statements);
        }
    }

    private List<Object> starts(List<Long> ids) throws java.sql.SQLException {
        return PostgresSql.transition(c, ids.stream().map(PostgresSql.Transition::start).toList());
    }

    @Test
    public void startsAndEndsInOneBatchEachGetTheirOwnAnswer() throws Exception {
        List<Long> ids = PostgresSql.claim(c, new PostgresSql.ClaimRequest("DEFAULT", "n0", 4)).stream().map(Claim::id).toList();
        starts(ids.subList(0, 2));
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE jqm_instance SET kill_requested = true, kill_reason = 'no' WHERE id = " + ids.get(3));
        }
        List<Object> answers = PostgresSql.transition(c, List.of(PostgresSql.Transition.end(ids.get(0), "ENDED"),
                PostgresSql.Transition.start(ids.get(2)), PostgresSql.Transition.end(ids.get(1), "KILLED"),
                PostgresSql.Transition.start(ids.get(3)), PostgresSql.Transition.start(999_999)));
        assertEquals(java.util.Arrays.asList(true, null, true, "no", "it is no longer in the database"), answers);
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT string_agg(id || ' ' || state, ',' ORDER BY id) FROM (SELECT id, state FROM jqm_history "
                        + "UNION ALL SELECT id, state FROM jqm_instance WHERE id IN (" + ids.get(2) + ", " + ids.get(3) + ")) x")) {
            r.next();
            assertEquals(ids.get(0) + " ENDED," + ids.get(1) + " KILLED," + ids.get(2) + " RUNNING," + ids.get(3) + " ATTRIBUTED", r.getString(1));
        }
    }

    @Test
    public void aClaimGoesWithTheStartsAndEndsOfItsBatchAndAClaimOfAnotherQueueAfterThem() throws Exception {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO jqm_instance (id, job_name, queue_name, state, priority, enqueue_date, kill_requested, queue_position) "
                    + "VALUES (5001, 'Job', 'other', 'SUBMITTED', 0, now(), false, 1)");
        }
        for (int round = 0; round < 15; round++) {
            List<Long> ids = PostgresSql.claim(c, new PostgresSql.ClaimRequest("DEFAULT", "n0", 2)).stream().map(Claim::id).toList();
            PostgresSql.ClaimRequest claim = new PostgresSql.ClaimRequest("DEFAULT", "n0", 2);
            PostgresSql.ClaimRequest other = new PostgresSql.ClaimRequest("other", "n1", 3);
            List<Object> batch = round == 0 ? List.of(PostgresSql.Transition.start(ids.get(0)), claim, other, PostgresSql.Transition.end(ids.get(1), "ENDED"))
                    : List.of(PostgresSql.Transition.start(ids.get(0)), claim, PostgresSql.Transition.end(ids.get(1), "ENDED"));
            List<Object> answers = PostgresSql.steps(c, batch);
            assertEquals(batch.size(), answers.size());
            assertEquals("started", null, answers.get(0));
            @SuppressWarnings("unchecked")
            List<Claim> claimed = (List<Claim>) answers.get(1);
            assertEquals("the next two, in serving order", List.of(ids.get(1) + 1, ids.get(1) + 2), claimed.stream().map(Claim::id).toList());
            assertEquals("Job", claimed.get(0).jobName());
            assertEquals("ended", true, answers.get(answers.size() - 1));
            if (round == 0) {
                @SuppressWarnings("unchecked")
                List<Claim> fromOther = (List<Claim>) answers.get(2);
                assertEquals(List.of(5001L), fromOther.stream().map(Claim::id).toList());
            }
            // the claimed ones go back to waiting, to be claimed again next round
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM jqm_instance WHERE id = " + ids.get(0));
                s.executeUpdate("UPDATE jqm_instance SET state = 'SUBMITTED' WHERE state = 'ATTRIBUTED' AND queue_name = 'DEFAULT'");
            }
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE '%started%claimable%' "
                        + "OR statement LIKE '%claimable%started%'")) {
            assertTrue("the statement with a claim prepared", r.next());
            assertTrue("and its plan reused", r.getLong(1) > 0);
        }
    }

    @Test
    public void runnersEndingInstancesEachGetTheNextWaitingOneRunningWithAPollersClaimInTheSameBatch() throws Exception {
        List<Long> ids = PostgresSql.claim(c, new PostgresSql.ClaimRequest("DEFAULT", "n0", 2)).stream().map(Claim::id).toList();
        starts(ids);
        List<Object> answers = PostgresSql.steps(c, List.of(new PostgresSql.EndAndClaim(ids.get(0), "ENDED", "DEFAULT", "n0"),
                new PostgresSql.ClaimRequest("DEFAULT", "n0", 2), new PostgresSql.EndAndClaim(ids.get(1), "CRASHED", "DEFAULT", "n0")));
        long next = ids.get(1) + 1;
        assertEquals(new Ended(true, answers.get(0) instanceof Ended e ? e.next() : null), answers.get(0));
        // the runners' claims go with the ends, the poller's after them
        assertEquals("the first runner gets the first waiting instance", next, ((Ended) answers.get(0)).next().id());
        assertEquals("the second runner the one after", next + 1, ((Ended) answers.get(2)).next().id());
        assertTrue(((Ended) answers.get(2)).ended());
        assertTrue("a runner's claim is started", ((Ended) answers.get(0)).next().started());
        @SuppressWarnings("unchecked")
        List<Claim> polled = (List<Claim>) answers.get(1);
        assertEquals("the poller the next two", List.of(next + 2, next + 3), polled.stream().map(Claim::id).toList());
        assertFalse("a poller's claim is not", polled.get(0).started());
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT string_agg(id || ' ' || state || ' ' || (start_date IS NOT NULL), ',' ORDER BY id) "
                        + "FROM jqm_instance WHERE node_name = 'n0' AND id BETWEEN " + next + " AND " + (next + 3))) {
            r.next();
            assertEquals("the runners' RUNNING with their start date, the poller's ATTRIBUTED", next + " RUNNING true," + (next + 1)
                    + " RUNNING true," + (next + 2) + " ATTRIBUTED false," + (next + 3) + " ATTRIBUTED false", r.getString(1));
        }
        // nothing left to claim: the runner just ends
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM jqm_instance WHERE state = 'SUBMITTED'");
        }
        assertEquals(List.of(new Ended(true, null)), PostgresSql.steps(c, List.of(new PostgresSql.EndAndClaim(next, "ENDED", "DEFAULT", "n0"))));
    }

    @Test
    public void anInstanceEndedTwiceInOneBatchIsEndedOnceWithTheFirstState() throws Exception {
        long id = PostgresSql.claim(c, new PostgresSql.ClaimRequest("DEFAULT", "n0", 1)).get(0).id();
        starts(List.of(id));
        assertEquals(List.of(true, false),
                PostgresSql.transition(c, List.of(PostgresSql.Transition.end(id, "KILLED"), PostgresSql.Transition.end(id, "ENDED"))));
        assertEquals(List.of(false), PostgresSql.transition(c, List.of(PostgresSql.Transition.end(id, "ENDED"))));
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT state FROM jqm_history WHERE id = " + id)) {
            assertTrue(r.next());
            assertEquals("KILLED", r.getString(1));
        }
    }

    @Test
    public void aKillRequestedBeforeTheStartIsAnsweredWithItsReason() throws Exception {
        List<Long> ids = PostgresSql.claim(c, new PostgresSql.ClaimRequest("DEFAULT", "n0", 2)).stream().map(Claim::id).toList();
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE jqm_instance SET kill_requested = true, kill_reason = 'stop it' WHERE id = " + ids.get(1));
        }
        List<Object> answers = starts(ids);
        assertEquals(java.util.Arrays.asList(null, "stop it"), answers);
    }

    private static PostgresSql.Request request(String job, String queue, Map<String, String> params) {
        jqm.engine.model.Instance i = new jqm.engine.model.Instance();
        i.setJobName(job);
        i.setQueueName(queue);
        i.setPriority(3);
        i.setKeyword1("k1");
        return new PostgresSql.Request(i, params, 7);
    }

    @Test
    public void manyRequestsInOneStatementEachWithItsDefaultsOverriddenByItsOwnParameters() throws Exception {
        sixKindsOfRequests(requests -> PostgresSql.enqueue(c, requests));
    }

    @Test
    public void aLoneRequestInItsOwnStatementIsCompletedAndRefusedAsInABatch() throws Exception {
        sixKindsOfRequests(requests -> {
            List<Object> answers = new ArrayList<>();
            for (PostgresSql.Request r : requests) {
                answers.add(PostgresSql.enqueue(c, List.of(r)).get(0));
            }
            return answers;
        });
    }

    @FunctionalInterface
    private interface Enqueue {
        List<Object> apply(List<PostgresSql.Request> requests) throws java.sql.SQLException;
    }

    private void sixKindsOfRequests(Enqueue enqueue) throws Exception {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO jqm_queue (id, name) VALUES (1, 'DEFAULT'), (2, 'other')");
            s.executeUpdate("INSERT INTO jqm_job_definition (id, name, kind, default_queue, highlander, configured) VALUES "
                    + "(1, 'Job', 'JAVA', 'DEFAULT', false, false), (2, 'Solo', 'JAVA', 'DEFAULT', true, false), "
                    + "(3, 'Lost', 'JAVA', 'nowhere', false, false)");
            s.executeUpdate("INSERT INTO jqm_job_definition_parameter (id, job_name, param_name, param_value) VALUES "
                    + "(1, 'Job', 'a', 'default a'), (2, 'Job', 'b', 'default b')");
        }
        Map<String, String> given = new java.util.LinkedHashMap<>();
        given.put("b", "given b");
        given.put("c", "given c");
        List<Object> answers = enqueue.apply(List.of(request("Job", null, Map.of()), request("Unknown", null, Map.of()),
                request("Job", "other", given), request("Solo", null, Map.of()), request("Lost", null, Map.of()),
                request("Job", "none", Map.of())));
        assertEquals(6, answers.size());
        @SuppressWarnings("unchecked")
        Map.Entry<Long, String> first = (Map.Entry<Long, String>) answers.get(0);
        @SuppressWarnings("unchecked")
        Map.Entry<Long, String> third = (Map.Entry<Long, String>) answers.get(2);
        assertEquals("the definition's default queue", "DEFAULT", first.getValue());
        assertEquals("the queue asked for", "other", third.getValue());
        assertTrue("ids in the requests' order", first.getKey() < third.getKey());
        assertEquals("unknown definition, highlander, unknown queues: left to the portable path",
                java.util.Arrays.asList(null, null, null, null),
                java.util.Arrays.asList(answers.get(1), answers.get(3), answers.get(4), answers.get(5)));
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT i.id, i.state, i.priority, i.keyword1, i.queue_position, i.enqueue_date IS NOT NULL, "
                        + "string_agg(p.param_name || '=' || p.param_value, ',' ORDER BY p.id) FROM jqm_instance i "
                        + "LEFT JOIN jqm_instance_parameter p ON p.instance_id = i.id WHERE i.id IN (" + first.getKey() + ", " + third.getKey()
                        + ") GROUP BY i.id ORDER BY i.id")) {
            assertTrue(r.next());
            assertEquals("SUBMITTED 3 k1 7 true a=default a,b=default b", r.getString(2) + " " + r.getInt(3) + " " + r.getString(4) + " "
                    + r.getLong(5) + " " + r.getBoolean(6) + " " + r.getString(7));
            assertTrue(r.next());
            assertEquals("defaults first, then the request's own, which override them", "a=default a,b=given b,c=given c", r.getString(7));
            assertTrue(!r.next());
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM jqm_instance WHERE id > 100000")) {
            r.next();
            assertEquals("nothing written for the refused ones", 2, r.getInt(1));
        }
    }

    /** Queue DEFAULT and job definition Job, whose default queue it is. */
    private void jobInDefaultQueue() throws java.sql.SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO jqm_queue (id, name) VALUES (1, 'DEFAULT')");
            s.executeUpdate("INSERT INTO jqm_job_definition (id, name, kind, default_queue, highlander, configured) VALUES "
                    + "(1, 'Job', 'JAVA', 'DEFAULT', false, false)");
        }
    }

    @Test
    public void aRequestTheDatabaseRefusesFailsAloneInItsBatch() throws Exception {
        jobInDefaultQueue();
        PostgresSql.Request tooLong = request("Job", null, Map.of());
        tooLong.data().setKeyword1("x".repeat(500));
        List<Object> answers = PostgresSql.enqueue(c, List.of(request("Job", null, Map.of()), tooLong, request("Job", null, Map.of())));
        assertTrue(answers.get(0) instanceof Map.Entry);
        assertTrue(answers.get(1) instanceof GroupCommit.Refused);
        assertTrue(answers.get(2) instanceof Map.Entry);
    }

    @Test
    public void theEnqueueIsPlannedOnceAndItsPlanReused() throws Exception {
        jobInDefaultQueue();
        for (int round = 0; round < 60; round++) {
            List<PostgresSql.Request> batch = new ArrayList<>();
            for (int i = 0; i <= round % 4; i++) {
                batch.add(request("Job", null, i % 2 == 0 ? Map.of() : Map.of("p" + i, "v")));
            }
            assertTrue(PostgresSql.enqueue(c, batch).stream().allMatch(a -> a instanceof Map.Entry));
        }
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%jqm_instance_seq%'")) {
            for (String statement : List.of("one of a batch", "the other")) {
                assertTrue(statement + " (a lone request, a batch) prepared on this connection", r.next());
                assertTrue("a reused plan (generic " + r.getLong(1) + ", custom " + r.getLong(2) + ")", r.getLong(1) > 0);
            }
        }
    }

    @Test
    public void eachHotPathStatementIsOneRoundTripEveryTime() throws Exception {
        jobInDefaultQueue();
        java.util.logging.Logger driver = java.util.logging.Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
        java.util.logging.Level level = driver.getLevel();
        boolean parents = driver.getUseParentHandlers();
        java.util.concurrent.atomic.AtomicInteger syncs = new java.util.concurrent.atomic.AtomicInteger();
        java.util.logging.Handler counter = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getMessage() != null && r.getMessage().trim().equals("FE=> Sync")) {
                    syncs.incrementAndGet(); // the message that ends a round trip: the server answers it when done
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        driver.setLevel(java.util.logging.Level.FINEST);
        driver.setUseParentHandlers(false);
        driver.addHandler(counter);
        try {
            // Past the driver's prepare threshold (5 calls), each statement is prepared on the server and reused.
            for (int round = 0; round < 12; round++) {
                PostgresSql.Request later = request("Job", null, Map.of("p", "v"));
                later.data().setRunAfter(new java.util.Date(System.currentTimeMillis() + 3_600_000));
                Map<String, Runnable> calls = new java.util.LinkedHashMap<>();
                calls.put("a lone enqueue", () -> call(() -> PostgresSql.enqueue(c, List.of(request("Job", null, Map.of())))));
                calls.put("a lone enqueue for later", () -> call(() -> PostgresSql.enqueue(c, List.of(later))));
                calls.put("a batch of enqueues", () -> call(() -> PostgresSql.enqueue(c, List.of(request("Job", null, Map.of()), later))));
                calls.put("a poller's claim", () -> call(() -> PostgresSql.claim(c, new PostgresSql.ClaimRequest("DEFAULT", "n0", 2))));
                calls.put("a runner's claim", () -> call(() -> PostgresSql.claim(c, new PostgresSql.ClaimRequest("DEFAULT", "n0", 1, true))));
                calls.put("starts and ends", () -> call(() -> PostgresSql.transition(c, List.of(PostgresSql.Transition.start(1)))));
                calls.put("an end and a claim", () -> call(() -> PostgresSql.steps(c,
                        List.of(new PostgresSql.EndAndClaim(1_000_000, "ENDED", "DEFAULT", "n0")))));
                calls.put("notifications", () -> call(() -> {
                    PostgresSql.notify(c, List.of("DEFAULT"));
                    return null;
                }));
                for (Map.Entry<String, Runnable> e : calls.entrySet()) {
                    syncs.set(0);
                    e.getValue().run();
                    assertEquals(e.getKey() + ", call " + (round + 1) + ": round trips", 1, syncs.get());
                }
            }
        } finally {
            driver.removeHandler(counter);
            driver.setUseParentHandlers(parents);
            driver.setLevel(level);
        }
        // the dates bound as typed timestamps (or text) read back as they were given
        java.util.Date runAfter = new java.util.Date(System.currentTimeMillis() / 1000 * 1000 + 7_200_123);
        for (boolean batch : new boolean[] { false, true }) {
            PostgresSql.Request later = request("Job", null, Map.of());
            later.data().setRunAfter(runAfter);
            List<PostgresSql.Request> requests = batch ? List.of(later, request("Job", null, Map.of())) : List.of(later);
            @SuppressWarnings("unchecked")
            long id = ((Map.Entry<Long, String>) PostgresSql.enqueue(c, requests).get(0)).getKey();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT run_after, enqueue_date FROM jqm_instance WHERE id = " + id)) {
                assertTrue(r.next());
                assertEquals(runAfter.getTime(), r.getTimestamp(1).getTime());
                assertTrue("enqueued now: " + r.getTimestamp(2), Math.abs(r.getTimestamp(2).getTime() - System.currentTimeMillis()) < 60_000);
            }
        }
    }

    @FunctionalInterface
    private interface Sql {
        Object run() throws java.sql.SQLException;
    }

    private static void call(Sql sql) {
        try {
            sql.run();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
