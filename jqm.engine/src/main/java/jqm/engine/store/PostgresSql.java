package jqm.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * What the engine does on PostgreSQL beyond the portable JPA path: the claim in one statement, and
 * the schema objects it relies on (a partial index of the waiting instances, and the trigger that
 * notifies every node of an instance becoming SUBMITTED).
 */
final class PostgresSql {
    private PostgresSql() {
    }

    /** The channel on which an instance becoming SUBMITTED is notified, with its queue's name as payload. */
    static final String CHANNEL = "jqm_submitted";

    /** Idempotent statements run at each start, after the schema is in place. */
    static final List<String> EXTRAS = List.of(
            // The claim walks only the waiting rows of one queue, in the order they are served.
            "CREATE INDEX IF NOT EXISTS jqm_instance_waiting ON jqm_instance (queue_name, priority DESC, queue_position, id) "
                    + "WHERE state = 'SUBMITTED'",
            "CREATE INDEX IF NOT EXISTS jqm_instance_active_job ON jqm_instance (job_name) WHERE state IN ('ATTRIBUTED', 'RUNNING')",
            "CREATE OR REPLACE FUNCTION jqm_notify_submitted() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "PERFORM pg_notify('" + CHANNEL + "', NEW.queue_name); RETURN NULL; END $$",
            "DROP TRIGGER IF EXISTS jqm_instance_submitted ON jqm_instance",
            "CREATE TRIGGER jqm_instance_submitted AFTER INSERT OR UPDATE OF state, queue_name ON jqm_instance FOR EACH ROW "
                    + "WHEN (NEW.state = 'SUBMITTED') EXECUTE FUNCTION jqm_notify_submitted()");

    /**
     * Claims up to {@code max} waiting instances of a queue in one round trip: the rows are locked in
     * serving order, rows that other nodes are claiming at the same moment are skipped rather than
     * waited for, and a highlander job is not claimed while one of its instances is active. The
     * candidates are a materialized CTE, evaluated once: as an {@code IN (subquery)}, the planner may
     * rescan the subquery for each row, and with SKIP LOCKED each rescan finds other rows, claiming
     * more than {@code max} and out of order.
     */
    static final String CLAIM = "WITH claimable AS MATERIALIZED (SELECT i.id FROM jqm_instance i WHERE i.queue_name = ? "
            + "AND i.state = 'SUBMITTED' AND NOT EXISTS (SELECT 1 FROM jqm_job_definition d WHERE d.name = i.job_name "
            + "AND d.highlander AND EXISTS (SELECT 1 FROM jqm_instance r WHERE r.job_name = i.job_name "
            + "AND r.state IN ('ATTRIBUTED', 'RUNNING'))) "
            + "ORDER BY i.priority DESC, i.queue_position, i.id LIMIT ? FOR UPDATE SKIP LOCKED) "
            + "UPDATE jqm_instance u SET state = 'ATTRIBUTED', node_name = ?, attribution_date = ? FROM claimable "
            + "WHERE u.id = claimable.id RETURNING u.id";

    static List<Long> claim(Connection c, String queueName, String nodeName, int max) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
            ps.setString(1, queueName);
            ps.setInt(2, max);
            ps.setString(3, nodeName);
            ps.setTimestamp(4, new Timestamp(System.currentTimeMillis()));
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }
}
