package jqm.itests;

import static org.junit.Assert.assertNotNull;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

import org.osgi.framework.BundleContext;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The PostgreSQL that ./test starts (JQM_IT_PG_URL, JQM_IT_PG_USER, JQM_IT_PG_PASSWORD): each framework
 * gets a schema of its own in it, so that test classes do not see each other's data.
 */
final class OnPostgres {
    private OnPostgres() {
    }

    /** @return a connection to the schema of the node's persistence unit (its JDBC url), as another client would open */
    static Connection connect(BundleContext context, String url) throws Exception {
        ServiceTracker<DataSourceFactory, DataSourceFactory> t = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=org.osgi.service.jdbc.DataSourceFactory)(osgi.jdbc.driver.class=org.postgresql.Driver))"),
                null);
        t.open();
        try {
            DataSourceFactory pg = t.waitForService(30_000);
            assertNotNull("the PostgreSQL driver's DataSourceFactory", pg);
            Properties p = new Properties();
            p.put(DataSourceFactory.JDBC_URL, url);
            p.put(DataSourceFactory.JDBC_USER, System.getenv("JQM_IT_PG_USER"));
            p.put(DataSourceFactory.JDBC_PASSWORD, System.getenv("JQM_IT_PG_PASSWORD"));
            return pg.createDataSource(p).getConnection();
        } finally {
            t.close();
        }
    }

    static Object[] database(BundleContext context) throws Exception {
        String url = System.getenv("JQM_IT_PG_URL");
        if (url == null) {
            throw new IllegalStateException("No PostgreSQL for the tests: run them with ./test, which starts one");
        }
        String schema = "it_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = connect(context, url); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return new Object[] { "driver", "org.postgresql.Driver", "url", url + "?currentSchema=" + schema, "openjpa.jdbc.Schema", schema,
                "user", System.getenv("JQM_IT_PG_USER"), "password", System.getenv("JQM_IT_PG_PASSWORD") };
    }
}
