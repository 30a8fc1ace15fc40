package jqm.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The PostgreSQL server the benchmarks run on: a database of its own for each engine run. */
final class Pg {
    final String baseUrl;
    final String user;
    final String password;

    Pg(String baseUrl, String user, String password) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.password = password;
    }

    /** @return the JDBC URL of database {@code db} on the same server */
    String url(String db) {
        int slash = baseUrl.lastIndexOf('/');
        int query = baseUrl.indexOf('?', slash);
        return baseUrl.substring(0, slash + 1) + db + (query < 0 ? "" : baseUrl.substring(query));
    }

    String host() {
        return java.net.URI.create(baseUrl.substring("jdbc:".length())).getHost();
    }

    int port() {
        int p = java.net.URI.create(baseUrl.substring("jdbc:".length())).getPort();
        return p < 0 ? 5432 : p;
    }

    Connection admin() throws SQLException {
        return DriverManager.getConnection(baseUrl, user, password);
    }

    Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(url(db), user, password);
    }

    void recreate(String db) throws SQLException, InterruptedException {
        drop(db);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
    }

    /**
     * Drops a database, waiting for PostgreSQL's autovacuum to leave it (a worker that cleans up after
     * a run cannot be terminated by the benchmark's role); one still busy after a minute is left.
     */
    void drop(String db) throws SQLException, InterruptedException {
        for (int attempt = 1;; attempt++) {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                return;
            } catch (SQLException e) {
                if (attempt >= 60) {
                    Bench.log("database " + db + " left behind: " + e.getMessage());
                    return;
                }
                Thread.sleep(1000);
            }
        }
    }

    void exec(String db, String... sql) throws SQLException {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    String text(String sql) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    /** Transactions committed or rolled back in database {@code db} so far (PostgreSQL's statistics). */
    long transactions(String db) throws SQLException {
        try (Connection c = admin(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '" + db + "'")) {
            r.next();
            return r.getLong(1);
        }
    }
}
