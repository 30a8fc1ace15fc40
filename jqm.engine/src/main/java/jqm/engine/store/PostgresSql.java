package jqm.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jqm.engine.model.Instance;

/**
 * What the engine does on PostgreSQL beyond the portable JPA path: the hot path of an instance, on a
 * pooled connection in auto-commit (no JPA): the enqueue, the claim (with the promotion of due
 * scheduled instances and all the runner needs), the start, the end. Each is written for batches (the
 * {@link GroupCommit}s of {@link Store}): concurrent enqueues in one statement; the starts, ends and
 * claims of a node's runners and pollers in one statement. Every statement is written so that
 * PostgreSQL plans it once per connection and reuses the plan (no bound {@code LIMIT}, no array
 * PostgreSQL can see): planned again at every call, they spent half the database's time planning.
 * The schema objects they rely on (partial indexes of the waiting and scheduled instances, the
 * triggers that notify every node of an instance becoming SUBMITTED, but for the nodes' own inserts,
 * which the node notifies after their commit) come with the changelog (jqm/engine/schema/0002-,
 * 0003- and 0005-...).
 */
final class PostgresSql {
    private PostgresSql() {
    }

    /** The channel on which an instance becoming SUBMITTED is notified, with its queue's name as payload. */
    static final String CHANNEL = "jqm_submitted";

    /**
     * The value of {@code jqm.notify} on the nodes' connections: their inserts of waiting instances do
     * not notify inside their transaction (a notification holds the database's notification lock until
     * its transaction has committed, so that notifying transactions commit one at a time); the node
     * notifies them with {@link #NOTIFY} once they are committed.
     */
    static final String NOTIFY_AFTER_COMMIT = "after-commit";

    /** Notifies queues (an array of their names), in a transaction of its own: nothing is written, nothing flushed. */
    static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', q) FROM unnest(" + array("varchar") + ") q";

    static void notify(Connection c, java.util.Collection<String> queues) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(NOTIFY)) {
            ps.setArray(1, c.createArrayOf("varchar", queues.toArray()));
            ps.executeQuery().close();
        }
    }

    /**
     * Claims up to {@code max} waiting instances of a queue in one round trip: the rows are locked in
     * serving order, rows that other nodes are claiming at the same moment are skipped rather than
     * waited for, and a highlander job is not claimed while one of its instances is active. The
     * candidates are a materialized CTE, evaluated once: as an {@code IN (subquery)}, the planner may
     * rescan the subquery for each row, and with SKIP LOCKED each rescan finds other rows, claiming
     * more than {@code max} and out of order.
     * <p>
     * The same statement first makes due SCHEDULED instances of the queue SUBMITTED (claimed at the
     * next poll: one statement sees one snapshot; the notify trigger wakes the pollers for them), and
     * answers each claimed instance with its job definition and parameters, in serving order.
     * <p>
     * The limit is written into the statement ({@link #claimSql(int)}), not bound: PostgreSQL then
     * plans each variant once per connection and reuses that plan (a generic plan). With a bound
     * limit, the generic plan assumes a tenth of the waiting rows is wanted (a scan and sort of all
     * of them), so it is never chosen and the statement was planned again at every call: half of
     * PostgreSQL's time in a drain.
     */
    private static final String PROMOTING = "promoted AS (UPDATE jqm_instance SET state = 'SUBMITTED' WHERE queue_name = ? "
            + "AND state = 'SCHEDULED' AND run_after <= ? RETURNING id), ";
    private static final String CLAIMING = "claimable AS MATERIALIZED (SELECT i.id FROM jqm_instance i WHERE i.queue_name = ? "
            + "AND i.state = 'SUBMITTED' AND NOT EXISTS (SELECT 1 FROM jqm_job_definition d WHERE d.name = i.job_name "
            + "AND d.highlander AND EXISTS (SELECT 1 FROM jqm_instance r WHERE r.job_name = i.job_name "
            + "AND r.state IN ('ATTRIBUTED', 'RUNNING'))) "
            + "ORDER BY i.priority DESC, i.queue_position, i.id LIMIT %d FOR UPDATE SKIP LOCKED), "
            + "claimed AS (UPDATE jqm_instance u SET state = ?, node_name = ?, attribution_date = ?, start_date = CAST(? AS timestamp) FROM claimable "
            + "WHERE u.id = claimable.id RETURNING u.id, u.job_name, u.queue_name, u.parent_id, u.username, u.priority, u.queue_position) ";
    /** The claimed rows: step 2 (after starts and ends, when they come in the same statement), then what a runner needs, in serving order. */
    private static final String CLAIMED = "SELECT 2 AS step, c.id, c.job_name, c.queue_name, c.parent_id, c.username, d.max_run_time_s, "
            + "d.kind, d.command, ARRAY(SELECT p.param_name FROM jqm_instance_parameter p WHERE p.instance_id = c.id ORDER BY p.id), "
            + "ARRAY(SELECT p.param_value FROM jqm_instance_parameter p WHERE p.instance_id = c.id ORDER BY p.id), "
            + "c.priority, c.queue_position FROM claimed c LEFT JOIN jqm_job_definition d ON d.name = c.job_name ";
    private static final String SERVING_ORDER = "ORDER BY 1, 12 DESC, 13, 2";

    static final String CLAIM = "WITH " + PROMOTING + CLAIMING + CLAIMED + SERVING_ORDER;

    /** The claim statements of the usual limits, made once. */
    private static final String[] CLAIMS = limits(CLAIM);

    /** @return the statement for the usual limits, made once (the limit is its only {@code %d}) */
    private static String[] limits(String template) {
        return java.util.stream.IntStream.rangeClosed(0, 64).mapToObj(n -> String.format(java.util.Locale.ROOT, template, n))
                .toArray(String[]::new);
    }

    /** @return the statement of a claim of at most {@code max} instances */
    private static String withLimit(String template, String[] usual, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("A claim is for at least one instance, not " + max);
        }
        return max < usual.length ? usual[max] : String.format(java.util.Locale.ROOT, template, max);
    }

    /** @return the claim statement for at most {@code max} instances */
    static String claimSql(int max) {
        return withLimit(CLAIM, CLAIMS, max);
    }

    /**
     * A claim of up to {@code max} instances of a queue for a node: by a poller, which hands them to
     * runners (ATTRIBUTED), or by a runner that runs the instance at once ({@code start}: RUNNING,
     * with its start date, in the claim itself; a waiting instance has no kill request, since a
     * kill cancels it, so there is nothing to check between claim and start).
     */
    record ClaimRequest(String queueName, String nodeName, int max, boolean start) {
        ClaimRequest(String queueName, String nodeName, int max) {
            this(queueName, nodeName, max, false);
        }

        /** @return the requests that one claim statement can serve together */
        List<Object> group() {
            return List.of(queueName, nodeName, start);
        }
    }

    static List<Claim> claim(Connection c, ClaimRequest r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(claimSql(r.max()))) {
            bindClaim(ps, 1, r, new Timestamp(System.currentTimeMillis()));
            List<Claim> claims = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claims.add(claimed(rs, r.start()));
                }
            }
            return claims;
        }
    }

    /** Binds the parameters of {@link #PROMOTING} and {@link #CLAIMING}, from {@code k}; @return the next parameter's index */
    private static int bindClaim(PreparedStatement ps, int k, ClaimRequest r, Timestamp now) throws SQLException {
        ps.setString(k++, r.queueName());
        setDate(ps, k++, now);
        ps.setString(k++, r.queueName());
        ps.setString(k++, r.start() ? "RUNNING" : "ATTRIBUTED");
        ps.setString(k++, r.nodeName());
        setDate(ps, k++, now);
        setNullableDate(ps, k++, r.start() ? now : null);
        return k;
    }

    /**
     * Binds a date with its type, timestamp. The driver binds a {@link Timestamp} untyped (as it may
     * be a timestamp with or without time zone), and a statement with an untyped parameter is
     * described by the server once prepared; from then on, since its answer has columns of no fixed
     * size, the driver sends an empty Sync and waits for its answer before every execution, a second
     * round trip (the driver's guard against filling both sides' buffers with a batch of them).
     */
    static void setDate(PreparedStatement ps, int k, Timestamp t) throws SQLException {
        ps.setObject(k, t.toLocalDateTime());
    }

    /**
     * Binds a date that may be null, typed as {@link #setDate} (a null timestamp too goes untyped):
     * as text, which the statement casts ({@code CAST(? AS timestamp)}).
     */
    static void setNullableDate(PreparedStatement ps, int k, Timestamp t) throws SQLException {
        ps.setString(k, t == null ? null : t.toString());
    }

    /** @return the claim of a row of {@link #CLAIMED} */
    private static Claim claimed(ResultSet rs, boolean started) throws SQLException {
        String[] names = (String[]) rs.getArray(10).getArray();
        String[] values = (String[]) rs.getArray(11).getArray();
        Map<String, String> params = new LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) {
            params.put(names[k], values[k]);
        }
        long parent = rs.getLong(5);
        Long parentId = rs.wasNull() ? null : parent;
        int maxRun = rs.getInt(7);
        Integer maxRunTime = rs.wasNull() ? null : maxRun;
        return new Claim(rs.getLong(2), rs.getString(3), rs.getString(4), params, maxRunTime, rs.getString(8), rs.getString(9), parentId,
                rs.getString(6), started);
    }

    /**
     * The ids of a batch, hidden from the planner: {@code id = ANY(?)} lets the planner see the array
     * of each call and plan it again every time (a plan for the batch's true size always looks
     * cheaper than one reused for any size, so PostgreSQL never settles on the reusable, generic plan).
     * Read through a sub-select, the array is unknown to every plan alike, and the first plan is kept.
     */
    private static final String IDS = "ANY((SELECT ?)::bigint[])";

    /**
     * Starts and ends of instances in one statement (the runners of a node start and end instances
     * at the same moments; one round trip and one commit serve both). A start marks an attributed
     * instance RUNNING with its start date, unless someone asked to kill it. An end moves an instance
     * to history with its final state: the delete of the live row decides (when two end the same
     * instance at once, the second moves nothing); the history row is what it held.
     */
    private static final String TRANSITIONS = "started AS (UPDATE jqm_instance SET state = 'RUNNING', start_date = ? WHERE id = " + IDS
            + " AND NOT kill_requested RETURNING id), "
            + "moved AS (DELETE FROM jqm_instance WHERE id = " + IDS + " RETURNING *), "
            + "ended AS (INSERT INTO jqm_history (id, job_name, queue_name, node_name, state, priority, username, session_id, application, "
            + "module, keyword1, keyword2, keyword3, email, parent_id, progress, enqueue_date, attribution_date, start_date, run_after, end_date) "
            + "SELECT m.id, m.job_name, m.queue_name, m.node_name, (?::varchar[])[array_position(?::bigint[], m.id)], m.priority, "
            + "m.username, m.session_id, m.application, m.module, m.keyword1, m.keyword2, m.keyword3, m.email, m.parent_id, m.progress, "
            + "m.enqueue_date, m.attribution_date, m.start_date, m.run_after, ? FROM moved m RETURNING id) ";
    private static final String STARTED_AND_ENDED = "SELECT 0, id FROM started UNION ALL SELECT 1, id FROM ended";
    static final String TRANSITION = "WITH " + TRANSITIONS + STARTED_AND_ENDED;
    /**
     * Starts and ends, and a poller's claim, in one statement: while instances run, the claim of a
     * poller woken by an end goes with the next starts and ends (one round trip and commit for all).
     * Each part sees the database as it was before the statement: an instance of a highlander job
     * ending in it still counts as running for the claim (which then leaves the next one for later).
     */
    static final String TRANSITION_AND_CLAIM = "WITH " + PROMOTING + CLAIMING + ", " + TRANSITIONS + CLAIMED
            + "UNION ALL SELECT 0, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM started "
            + "UNION ALL SELECT 1, id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM ended " + SERVING_ORDER;
    private static final String[] TRANSITIONS_AND_CLAIMS = limits(TRANSITION_AND_CLAIM);
    static final String KILL_REASONS = "SELECT id, kill_reason FROM jqm_instance WHERE id = " + IDS;

    /** The start of an instance ({@code endState} null), or its end with that final state. */
    record Transition(long id, String endState) {
        static Transition start(long id) {
            return new Transition(id, null);
        }

        static Transition end(long id, String state) {
            return new Transition(id, state);
        }
    }

    /**
     * Runs a batch of starts, ends and claims: the starts and ends, with the first claim, in one
     * statement; any other claim (pollers of other queues) in one statement each.
     *
     * @return for each start, null when the instance may run, else why not (as Store.markRunning); for
     *         each end, whether this call ended it (an instance twice in the batch, ended by two
     *         threads at once, is ended once, with the first one's state: the second gets false); for
     *         each claim, the claimed instances
     */
    static List<Object> steps(Connection c, List<?> batch) throws SQLException {
        List<Transition> transitions = new ArrayList<>();
        // what is to be claimed, by group (queue, node, started or not), in the order of the batch
        Map<List<Object>, ClaimRequest> demand = new LinkedHashMap<>();
        for (Object step : batch) {
            ClaimRequest r;
            if (step instanceof Transition t) {
                transitions.add(t);
                continue;
            } else if (step instanceof EndAndClaim e) {
                transitions.add(Transition.end(e.id(), e.endState()));
                r = e.next();
            } else {
                r = (ClaimRequest) step;
            }
            demand.merge(r.group(), r, (a, b) -> new ClaimRequest(a.queueName(), a.nodeName(), a.max() + b.max(), a.start()));
        }
        Map<List<Object>, java.util.ArrayDeque<Claim>> claimed = new java.util.HashMap<>();
        java.util.Iterator<ClaimRequest> groups = demand.values().iterator();
        List<Object> transitionAnswers = List.of();
        if (!transitions.isEmpty()) {
            ClaimRequest first = groups.hasNext() ? groups.next() : null;
            List<Claim> got = new ArrayList<>();
            transitionAnswers = transition(c, transitions, first, got);
            if (first != null) {
                claimed.put(first.group(), new java.util.ArrayDeque<>(got));
            }
        }
        while (groups.hasNext()) {
            ClaimRequest g = groups.next();
            claimed.put(g.group(), new java.util.ArrayDeque<>(claim(c, g)));
        }
        java.util.Iterator<Object> ended = transitionAnswers.iterator();
        List<Object> all = new ArrayList<>(batch.size());
        for (Object step : batch) {
            if (step instanceof Transition) {
                all.add(ended.next());
            } else if (step instanceof EndAndClaim e) {
                all.add(new Ended((Boolean) ended.next(), claimed.get(e.next().group()).poll()));
            } else {
                ClaimRequest r = (ClaimRequest) step;
                java.util.ArrayDeque<Claim> available = claimed.get(r.group());
                List<Claim> mine = new ArrayList<>();
                while (mine.size() < r.max() && !available.isEmpty()) {
                    mine.add(available.poll());
                }
                all.add(mine);
            }
        }
        return all;
    }

    /**
     * The end of an instance by its runner thread, which then runs the next waiting instance of the
     * same queue if there is one: the end and that claim in one statement, without waking the poller.
     */
    record EndAndClaim(long id, String endState, String queueName, String nodeName) {
        /** @return the claim that goes with the end: one instance, RUNNING at once on the runner's thread */
        ClaimRequest next() {
            return new ClaimRequest(queueName, nodeName, 1, true);
        }
    }

    /** Starts and ends only. */
    static List<Object> transition(Connection c, List<Transition> batch) throws SQLException {
        return transition(c, batch, null, new ArrayList<>());
    }

    /** Starts and ends, with a claim when {@code claim} is not null (the claimed instances added to {@code claimed}, in serving order). */
    private static List<Object> transition(Connection c, List<Transition> batch, ClaimRequest claim, List<Claim> claimed)
            throws SQLException {
        List<Object> starts = new ArrayList<>();
        List<Object> ends = new ArrayList<>();
        List<Object> endStates = new ArrayList<>();
        for (Transition t : batch) {
            if (t.endState() == null) {
                starts.add(t.id());
            } else {
                ends.add(t.id());
                endStates.add(t.endState());
            }
        }
        java.util.Set<Long> started = new java.util.HashSet<>();
        java.util.Set<Long> moved = new java.util.HashSet<>();
        String sql = claim == null ? TRANSITION : withLimit(TRANSITION_AND_CLAIM, TRANSITIONS_AND_CLAIMS, claim.max());
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Timestamp now = new Timestamp(System.currentTimeMillis());
            int k = claim == null ? 1 : bindClaim(ps, 1, claim, now);
            java.sql.Array endIds = c.createArrayOf("bigint", ends.toArray());
            setDate(ps, k++, now);
            ps.setArray(k++, c.createArrayOf("bigint", starts.toArray()));
            ps.setArray(k++, endIds);
            ps.setArray(k++, c.createArrayOf("varchar", endStates.toArray()));
            ps.setArray(k++, endIds);
            setDate(ps, k, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    switch (rs.getInt(1)) {
                        case 0 -> started.add(rs.getLong(2));
                        case 1 -> moved.add(rs.getLong(2));
                        default -> claimed.add(claimed(rs, claim.start()));
                    }
                }
            }
        }
        Map<Long, String> reasons = new java.util.HashMap<>();
        Object[] notStarted = starts.stream().filter(id -> !started.contains(id)).toArray();
        if (notStarted.length > 0) {
            try (PreparedStatement ps = c.prepareStatement(KILL_REASONS)) {
                ps.setArray(1, c.createArrayOf("bigint", notStarted));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String reason = rs.getString(2);
                        reasons.put(rs.getLong(1), reason == null ? "a kill was requested" : reason);
                    }
                }
            }
        }
        List<Object> answers = new ArrayList<>(batch.size());
        for (Transition t : batch) {
            if (t.endState() == null) {
                answers.add(started.contains(t.id()) ? null : reasons.getOrDefault(t.id(), "it is no longer in the database"));
            } else {
                answers.add(moved.remove(t.id()));
            }
        }
        return answers;
    }

    /** An array parameter read through a sub-select, so that plans do not depend on it (see {@link #IDS}). */
    private static String array(String type) {
        return "(SELECT ?::" + type + "[])";
    }

    /**
     * New requests, any number (a lone one goes in {@link #ENQUEUE_ONE}), in one statement: each one's
     * job definition (its default queue when the request names none), its queue's existence, the
     * instance with the next id, its parameters (the definition's defaults, overridden by the
     * request's). The requests come as one array per field (and the given parameters as three flat
     * arrays: request, name, value). Nothing is written
     * for a request whose definition or queue is unknown, or whose definition is a highlander: it gets
     * no row back, and the caller's portable path says why, or applies the highlander rule.
     */
    static final String ENQUEUE = "WITH req AS (SELECT * FROM unnest(" + array("int") + ", " + array("varchar") + ", "
            + array("varchar") + ", " + array("varchar") + ", " + array("int") + ", " + array("varchar") + ", " + array("varchar") + ", "
            + array("varchar") + ", " + array("varchar") + ", " + array("varchar") + ", " + array("varchar") + ", " + array("varchar")
            + ", " + array("varchar") + ", " + array("bigint") + ", " + array("timestamp") + ", " + array("bigint") + ") "
            + "AS r(o, job, queue, state, priority, username, session_id, application, module, k1, k2, k3, email, parent_id, run_after, pos)), "
            + "numbered AS MATERIALIZED (SELECT nextval('jqm_instance_seq') AS id, t.* FROM (SELECT r.*, COALESCE(r.queue, d.default_queue) AS q "
            + "FROM req r JOIN jqm_job_definition d ON d.name = r.job WHERE NOT d.highlander "
            + "AND EXISTS (SELECT 1 FROM jqm_queue q WHERE q.name = COALESCE(r.queue, d.default_queue)) ORDER BY r.o) t), "
            + "ins AS (INSERT INTO jqm_instance (id, job_name, queue_name, state, priority, username, session_id, application, module, "
            + "keyword1, keyword2, keyword3, email, parent_id, enqueue_date, run_after, kill_requested, queue_position) "
            + "SELECT n.id, n.job, n.q, n.state, n.priority, n.username, n.session_id, n.application, n.module, n.k1, n.k2, n.k3, n.email, "
            + "n.parent_id, ?, n.run_after, false, n.pos FROM numbered n), "
            + "given AS (SELECT * FROM unnest(" + array("int") + ", " + array("varchar") + ", " + array("varchar") + ") WITH ORDINALITY AS g(o, k, v, rank)), "
            + "prm AS (INSERT INTO jqm_instance_parameter (id, instance_id, param_name, param_value) "
            + "SELECT nextval('jqm_instance_parameter_seq'), x.id, x.k, x.v FROM "
            + "(SELECT n.id, p.param_name AS k, p.param_value AS v, 0 AS g, p.id AS rank FROM numbered n "
            + "JOIN jqm_job_definition_parameter p ON p.job_name = n.job "
            + "WHERE NOT EXISTS (SELECT 1 FROM given WHERE given.o = n.o AND given.k = p.param_name) "
            + "UNION ALL SELECT n.id, given.k, given.v, 1, given.rank FROM numbered n JOIN given ON given.o = n.o ORDER BY 1, 4, 5) x) "
            + "SELECT o, id, q FROM numbered";

    /**
     * A lone request: {@link #ENQUEUE} for one, its fields as plain parameters (and its own parameters as
     * two arrays, names and values): a third less work for the database than the arrays of a batch.
     */
    static final String ENQUEUE_ONE = "WITH ins AS (INSERT INTO jqm_instance (id, job_name, queue_name, state, priority, username, "
            + "session_id, application, module, keyword1, keyword2, keyword3, email, parent_id, enqueue_date, run_after, kill_requested, "
            + "queue_position) SELECT nextval('jqm_instance_seq'), d.name, COALESCE(?, d.default_queue), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            + "?, CAST(? AS timestamp), false, ? FROM jqm_job_definition d WHERE d.name = ? AND NOT d.highlander "
            + "AND EXISTS (SELECT 1 FROM jqm_queue q WHERE q.name = COALESCE(?, d.default_queue)) RETURNING id, queue_name, job_name), "
            + "given AS (SELECT * FROM unnest(" + array("varchar") + ", " + array("varchar") + ") WITH ORDINALITY AS g(k, v, rank)), "
            + "prm AS (INSERT INTO jqm_instance_parameter (id, instance_id, param_name, param_value) "
            + "SELECT nextval('jqm_instance_parameter_seq'), x.id, x.k, x.v FROM "
            + "(SELECT ins.id, p.param_name AS k, p.param_value AS v, 0 AS g, p.id AS rank FROM ins "
            + "JOIN jqm_job_definition_parameter p ON p.job_name = ins.job_name "
            + "WHERE NOT EXISTS (SELECT 1 FROM given WHERE given.k = p.param_name) "
            + "UNION ALL SELECT ins.id, given.k, given.v, 1, given.rank FROM ins, given ORDER BY 4, 5) x) "
            + "SELECT id, queue_name FROM ins";

    /** A new request: the instance's fields, its parameters, its place in its queue. */
    record Request(Instance data, Map<String, String> parameters, long position) {
    }

    /**
     * New requests in one statement, committed together. When that fails, each is tried again on its
     * own, so that a request the database refuses fails alone.
     *
     * @return for each, the new instance's id and queue, null when the portable path must handle it,
     *         or its own failure
     */
    static List<Object> enqueue(Connection c, List<Request> requests) throws SQLException {
        try {
            return insert(c, requests);
        } catch (SQLException e) {
            if (requests.size() == 1) {
                throw e;
            }
        }
        List<Object> done = new ArrayList<>(requests.size());
        for (Request r : requests) {
            try {
                done.add(insert(c, List.of(r)).get(0));
            } catch (SQLException e) {
                done.add(new GroupCommit.Refused(new StoreException("Database failure while trying to enqueue a " + r.data().getJobName()
                        + " instance: " + e.getMessage(), e)));
            }
        }
        return done;
    }

    /** @return for each request, the new instance's id and queue, or null when the portable path must handle it */
    private static List<Object> insert(Connection c, List<Request> requests) throws SQLException {
        int n = requests.size();
        if (n == 1) {
            return java.util.Collections.singletonList(insert(c, requests.get(0)));
        }
        Object[] o = new Object[n];
        Object[] job = new Object[n];
        Object[] queue = new Object[n];
        Object[] state = new Object[n];
        Object[] priority = new Object[n];
        Object[][] text = new Object[8][n];
        Object[] parent = new Object[n];
        Object[] runAfter = new Object[n];
        Object[] position = new Object[n];
        List<Object> po = new ArrayList<>();
        List<Object> pk = new ArrayList<>();
        List<Object> pv = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Request r = requests.get(i);
            Instance d = r.data();
            o[i] = i;
            job[i] = d.getJobName();
            queue[i] = d.getQueueName();
            state[i] = state(d);
            priority[i] = d.getPriority();
            text[0][i] = d.getUsername();
            text[1][i] = d.getSessionId();
            text[2][i] = d.getApplication();
            text[3][i] = d.getModule();
            text[4][i] = d.getKeyword1();
            text[5][i] = d.getKeyword2();
            text[6][i] = d.getKeyword3();
            text[7][i] = d.getEmail();
            parent[i] = d.getParentId();
            runAfter[i] = runAfter(d);
            position[i] = r.position();
            for (Map.Entry<String, String> p : r.parameters().entrySet()) {
                po.add(i);
                pk.add(p.getKey());
                pv.add(p.getValue());
            }
        }
        try (PreparedStatement ps = c.prepareStatement(ENQUEUE)) {
            int k = 1;
            ps.setArray(k++, c.createArrayOf("int4", o));
            ps.setArray(k++, c.createArrayOf("varchar", job));
            ps.setArray(k++, c.createArrayOf("varchar", queue));
            ps.setArray(k++, c.createArrayOf("varchar", state));
            ps.setArray(k++, c.createArrayOf("int4", priority));
            for (Object[] t : text) {
                ps.setArray(k++, c.createArrayOf("varchar", t));
            }
            ps.setArray(k++, c.createArrayOf("int8", parent));
            ps.setArray(k++, c.createArrayOf("timestamp", runAfter));
            ps.setArray(k++, c.createArrayOf("int8", position));
            setDate(ps, k++, new Timestamp(System.currentTimeMillis()));
            ps.setArray(k++, c.createArrayOf("int4", po.toArray()));
            ps.setArray(k++, c.createArrayOf("varchar", pk.toArray()));
            ps.setArray(k, c.createArrayOf("varchar", pv.toArray()));
            Object[] answers = new Object[n];
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    answers[rs.getInt(1)] = Map.entry(rs.getLong(2), rs.getString(3));
                }
            }
            return java.util.Arrays.asList(answers);
        }
    }

    /** @return the state a new instance is written with: its own, or SUBMITTED */
    private static String state(Instance d) {
        return (d.getState() == null ? jqm.api.client.State.SUBMITTED : d.getState()).name();
    }

    private static Timestamp runAfter(Instance d) {
        return d.getRunAfter() == null ? null : new Timestamp(d.getRunAfter().getTime());
    }

    /** @return the new instance's id and queue, or null when the portable path must handle the request */
    private static Object insert(Connection c, Request r) throws SQLException {
        Instance d = r.data();
        try (PreparedStatement ps = c.prepareStatement(ENQUEUE_ONE)) {
            int k = 1;
            ps.setString(k++, d.getQueueName());
            ps.setString(k++, state(d));
            ps.setInt(k++, d.getPriority());
            for (String t : new String[] { d.getUsername(), d.getSessionId(), d.getApplication(), d.getModule(), d.getKeyword1(),
                    d.getKeyword2(), d.getKeyword3(), d.getEmail() }) {
                ps.setString(k++, t);
            }
            ps.setObject(k++, d.getParentId(), java.sql.Types.BIGINT);
            setDate(ps, k++, new Timestamp(System.currentTimeMillis()));
            setNullableDate(ps, k++, runAfter(d));
            ps.setLong(k++, r.position());
            ps.setString(k++, d.getJobName());
            ps.setString(k++, d.getQueueName());
            ps.setArray(k++, c.createArrayOf("varchar", r.parameters().keySet().toArray()));
            ps.setArray(k, c.createArrayOf("varchar", r.parameters().values().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Map.entry(rs.getLong(1), rs.getString(2)) : null;
            }
        }
    }
}
