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
 * What the engine does on PostgreSQL beyond the portable JPA path: the hot path of an instance, each
 * step one statement and one round trip, on a pooled connection in auto-commit (no JPA): the enqueue,
 * the claim (with the promotion of due scheduled instances and all the runner needs), the start, the
 * end. The schema objects they rely on (partial indexes of the waiting and scheduled instances, the
 * trigger that notifies every node of an instance becoming SUBMITTED) come with the changelog
 * (jqm/engine/schema/0002-... and 0003-...).
 */
final class PostgresSql {
    private PostgresSql() {
    }

    /** The channel on which an instance becoming SUBMITTED is notified, with its queue's name as payload. */
    static final String CHANNEL = "jqm_submitted";

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
    static final String CLAIM = "WITH promoted AS (UPDATE jqm_instance SET state = 'SUBMITTED' WHERE queue_name = ? "
            + "AND state = 'SCHEDULED' AND run_after <= ? RETURNING id), "
            + "claimable AS MATERIALIZED (SELECT i.id FROM jqm_instance i WHERE i.queue_name = ? "
            + "AND i.state = 'SUBMITTED' AND NOT EXISTS (SELECT 1 FROM jqm_job_definition d WHERE d.name = i.job_name "
            + "AND d.highlander AND EXISTS (SELECT 1 FROM jqm_instance r WHERE r.job_name = i.job_name "
            + "AND r.state IN ('ATTRIBUTED', 'RUNNING'))) "
            + "ORDER BY i.priority DESC, i.queue_position, i.id LIMIT %d FOR UPDATE SKIP LOCKED), "
            + "claimed AS (UPDATE jqm_instance u SET state = 'ATTRIBUTED', node_name = ?, attribution_date = ? FROM claimable "
            + "WHERE u.id = claimable.id RETURNING u.id, u.job_name, u.queue_name, u.parent_id, u.username, u.priority, u.queue_position) "
            + "SELECT c.id, c.job_name, c.queue_name, c.parent_id, c.username, d.max_run_time_s, d.kind, d.command, "
            + "ARRAY(SELECT p.param_name FROM jqm_instance_parameter p WHERE p.instance_id = c.id ORDER BY p.id), "
            + "ARRAY(SELECT p.param_value FROM jqm_instance_parameter p WHERE p.instance_id = c.id ORDER BY p.id), "
            + "(SELECT count(*) FROM promoted) FROM claimed c LEFT JOIN jqm_job_definition d ON d.name = c.job_name "
            + "ORDER BY c.priority DESC, c.queue_position, c.id";

    /** The claim statements of the usual limits, made once. */
    private static final String[] CLAIMS = java.util.stream.IntStream.rangeClosed(0, 64)
            .mapToObj(n -> String.format(java.util.Locale.ROOT, CLAIM, n)).toArray(String[]::new);

    /** @return the claim statement for at most {@code max} instances */
    static String claimSql(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("A claim is for at least one instance, not " + max);
        }
        return max < CLAIMS.length ? CLAIMS[max] : String.format(java.util.Locale.ROOT, CLAIM, max);
    }

    static List<Claim> claim(Connection c, String queueName, String nodeName, int max) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(claimSql(max))) {
            Timestamp now = new Timestamp(System.currentTimeMillis());
            ps.setString(1, queueName);
            ps.setTimestamp(2, now);
            ps.setString(3, queueName);
            ps.setString(4, nodeName);
            ps.setTimestamp(5, now);
            List<Claim> claims = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] names = (String[]) rs.getArray(9).getArray();
                    String[] values = (String[]) rs.getArray(10).getArray();
                    Map<String, String> params = new LinkedHashMap<>();
                    for (int k = 0; k < names.length; k++) {
                        params.put(names[k], values[k]);
                    }
                    long parent = rs.getLong(4);
                    Long parentId = rs.wasNull() ? null : parent;
                    int maxRun = rs.getInt(6);
                    Integer maxRunTime = rs.wasNull() ? null : maxRun;
                    claims.add(new Claim(rs.getLong(1), rs.getString(2), rs.getString(3), params, maxRunTime, rs.getString(7),
                            rs.getString(8), parentId, rs.getString(5)));
                }
            }
            return claims;
        }
    }

    /**
     * The ids of a batch, hidden from the planner: {@code id = ANY(?)} lets the planner see the array
     * of each call and plan it again every time (a plan for the batch's true size always looks
     * cheaper than one reused for any size, so PostgreSQL never settles on the reusable, generic plan).
     * Read through a sub-select, the array is unknown to every plan alike, and the first plan is kept.
     */
    private static final String IDS = "ANY((SELECT ?)::bigint[])";

    /** Marks attributed instances RUNNING, but those someone asked to kill. */
    static final String MARK_RUNNING = "UPDATE jqm_instance SET state = 'RUNNING', start_date = ? WHERE id = " + IDS
            + " AND NOT kill_requested RETURNING id";
    static final String KILL_REASONS = "SELECT id, kill_reason FROM jqm_instance WHERE id = " + IDS;

    /** @return for each instance, null when it may run, else why not (as Store.markRunning) */
    static List<Object> markRunning(Connection c, List<Long> ids) throws SQLException {
        java.util.Set<Long> started = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(MARK_RUNNING)) {
            ps.setTimestamp(1, new Timestamp(System.currentTimeMillis()));
            ps.setArray(2, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    started.add(rs.getLong(1));
                }
            }
        }
        Map<Long, String> reasons = new java.util.HashMap<>();
        if (started.size() < ids.size()) {
            try (PreparedStatement ps = c.prepareStatement(KILL_REASONS)) {
                ps.setArray(1, c.createArrayOf("bigint", ids.stream().filter(id -> !started.contains(id)).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String reason = rs.getString(2);
                        reasons.put(rs.getLong(1), reason == null ? "a kill was requested" : reason);
                    }
                }
            }
        }
        List<Object> answers = new ArrayList<>(ids.size());
        for (Long id : ids) {
            answers.add(started.contains(id) ? null : reasons.getOrDefault(id, "it is no longer in the database"));
        }
        return answers;
    }

    /**
     * Moves instances to history in one statement, each with its final state: the delete of the live
     * row decides (when two end the same instance at once, the second moves nothing), the history row
     * is what it held.
     */
    static final String END = "WITH moved AS (DELETE FROM jqm_instance WHERE id = " + IDS + " RETURNING *) "
            + "INSERT INTO jqm_history (id, job_name, queue_name, node_name, state, priority, username, session_id, application, module, "
            + "keyword1, keyword2, keyword3, email, parent_id, progress, enqueue_date, attribution_date, start_date, run_after, end_date) "
            + "SELECT m.id, m.job_name, m.queue_name, m.node_name, (?::varchar[])[array_position(?::bigint[], m.id)], m.priority, "
            + "m.username, m.session_id, m.application, m.module, m.keyword1, m.keyword2, m.keyword3, m.email, m.parent_id, m.progress, "
            + "m.enqueue_date, m.attribution_date, m.start_date, m.run_after, ? FROM moved m RETURNING id";

    /** An instance to end, with its final state. */
    record Ending(long id, String state) {
    }

    /**
     * @return for each instance, whether this call ended it (an instance twice in the batch, ended by
     *         two threads at once, is ended once, with the first one's state: the second gets false)
     */
    static List<Object> end(Connection c, List<Ending> endings) throws SQLException {
        java.util.Set<Long> moved = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(END)) {
            Object[] ids = endings.stream().map(Ending::id).toArray();
            java.sql.Array idArray = c.createArrayOf("bigint", ids);
            ps.setArray(1, idArray);
            ps.setArray(2, c.createArrayOf("varchar", endings.stream().map(Ending::state).toArray()));
            ps.setArray(3, idArray);
            ps.setTimestamp(4, new Timestamp(System.currentTimeMillis()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    moved.add(rs.getLong(1));
                }
            }
        }
        return endings.stream().map(e -> (Object) moved.remove(e.id())).toList();
    }

    /**
     * A new request in one statement: its job definition (its default queue when the request names
     * none), the queue's existence, the instance with the next id, its parameters (the definition's
     * defaults, overridden by the request's). Nothing is written, and no row comes back, when the
     * definition or the queue is unknown, or the definition is a highlander (the caller's portable
     * path then says why, or applies the highlander rule).
     */
    static final String ENQUEUE = "WITH jd AS (SELECT d.default_queue, d.highlander FROM jqm_job_definition d WHERE d.name = ?), "
            + "target AS (SELECT COALESCE(?, jd.default_queue) AS queue FROM jd WHERE NOT jd.highlander "
            + "AND EXISTS (SELECT 1 FROM jqm_queue q WHERE q.name = COALESCE(?, jd.default_queue))), "
            + "ins AS (INSERT INTO jqm_instance (id, job_name, queue_name, state, priority, username, session_id, application, module, "
            + "keyword1, keyword2, keyword3, email, parent_id, enqueue_date, run_after, kill_requested, queue_position) "
            + "SELECT nextval('jqm_instance_seq'), ?, target.queue, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ? FROM target "
            + "RETURNING id, queue_name), "
            + "given AS (SELECT * FROM unnest(?::varchar[], ?::varchar[]) WITH ORDINALITY AS g(k, v, o)), "
            + "prm AS (INSERT INTO jqm_instance_parameter (id, instance_id, param_name, param_value) "
            + "SELECT nextval('jqm_instance_parameter_seq'), ins.id, x.k, x.v FROM ins, "
            + "(SELECT p.param_name AS k, p.param_value AS v, p.id AS o, 0 AS g FROM jqm_job_definition_parameter p WHERE p.job_name = ? "
            + "AND NOT EXISTS (SELECT 1 FROM given WHERE given.k = p.param_name) UNION ALL SELECT k, v, o, 1 FROM given ORDER BY g, o) x) "
            + "SELECT id, queue_name FROM ins";

    /** A new request: the instance's fields, its parameters, its place in its queue. */
    record Request(Instance data, Map<String, String> parameters, long position) {
    }

    /**
     * Several new requests in one transaction (one statement each), committed together. When that
     * fails, each is tried again on its own, so that a request the database refuses fails alone.
     *
     * @return for each, the new instance's id and queue, null when the portable path must handle it,
     *         or its own failure
     */
    static List<Object> enqueue(Connection c, List<Request> requests) throws SQLException {
        if (requests.size() == 1) {
            Request r = requests.get(0);
            return java.util.Collections.singletonList(enqueue(c, r.data(), r.parameters(), r.position()));
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            List<Object> done = new ArrayList<>(requests.size());
            for (Request r : requests) {
                done.add(enqueue(c, r.data(), r.parameters(), r.position()));
            }
            c.commit();
            return done;
        } catch (SQLException e) {
            c.rollback();
        } finally {
            c.setAutoCommit(autoCommit);
        }
        List<Object> done = new ArrayList<>(requests.size());
        for (Request r : requests) {
            try {
                done.add(enqueue(c, r.data(), r.parameters(), r.position()));
            } catch (SQLException e) {
                done.add(new GroupCommit.Refused(new StoreException("Database failure while trying to enqueue a " + r.data().getJobName()
                        + " instance: " + e.getMessage(), e)));
            }
        }
        return done;
    }

    /** @return the new instance's id and queue, or null when the portable path must handle the request */
    static Map.Entry<Long, String> enqueue(Connection c, Instance data, Map<String, String> params, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ENQUEUE)) {
            int k = 1;
            ps.setString(k++, data.getJobName());
            ps.setString(k++, data.getQueueName());
            ps.setString(k++, data.getQueueName());
            ps.setString(k++, data.getJobName());
            ps.setString(k++, (data.getState() == null ? jqm.api.client.State.SUBMITTED : data.getState()).name());
            ps.setInt(k++, data.getPriority());
            ps.setString(k++, data.getUsername());
            ps.setString(k++, data.getSessionId());
            ps.setString(k++, data.getApplication());
            ps.setString(k++, data.getModule());
            ps.setString(k++, data.getKeyword1());
            ps.setString(k++, data.getKeyword2());
            ps.setString(k++, data.getKeyword3());
            ps.setString(k++, data.getEmail());
            if (data.getParentId() == null) {
                ps.setNull(k++, java.sql.Types.BIGINT);
            } else {
                ps.setLong(k++, data.getParentId());
            }
            ps.setTimestamp(k++, new Timestamp(System.currentTimeMillis()));
            ps.setTimestamp(k++, data.getRunAfter() == null ? null : new Timestamp(data.getRunAfter().getTime()));
            ps.setLong(k++, position);
            ps.setArray(k++, c.createArrayOf("varchar", params.keySet().toArray()));
            ps.setArray(k++, c.createArrayOf("varchar", params.values().toArray()));
            ps.setString(k, data.getJobName());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Map.entry(rs.getLong(1), rs.getString(2)) : null;
            }
        }
    }

}
