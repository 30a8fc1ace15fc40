package jqm.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * What the engine does on PostgreSQL beyond the portable JPA path: the claim in one statement. The
 * schema objects it relies on (a partial index of the waiting instances, and the trigger that notifies
 * every node of an instance becoming SUBMITTED) come with the changelog (jqm/engine/schema/0002-...).
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
