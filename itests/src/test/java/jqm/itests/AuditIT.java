package jqm.itests;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Set;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import jqm.api.security.Accounts;
import jqm.api.security.Role;

/** The audit log records changes of configuration, accounts and bundles, with old and new values, secrets masked. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AuditIT extends JqmTestSupport {

    private Path audit() throws Exception {
        return Paths.get((String) service(ConfigurationAdmin.class).getConfiguration("jqm.node", "?").getProperties()
                .get("logs.root")).resolve("audit.log");
    }

    private void awaitLine(String regex) throws Exception {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            String text = Files.exists(audit()) ? Files.readString(audit()) : "";
            if (text.matches("(?s).*" + regex + ".*")) {
                return;
            }
            assertTrue("no audit line /" + regex + "/ in:\n" + text, System.currentTimeMillis() < deadline);
            Thread.sleep(100);
        }
    }

    @Test
    public void changesAreAuditedWithOldAndNewValuesAndSecretsMasked() throws Exception {
        ConfigurationAdmin ca = service(ConfigurationAdmin.class);
        Configuration q = ca.getFactoryConfiguration("jqm.queue", "audited", "?");
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("max.concurrent", 2);
        d.put("api.token", "s3cr3t-value");
        q.update(d);
        awaitLine("configuration jqm.queue~audited created by \\S+ \\(console or API\\): \\{api.token=\\*+, max.concurrent=2\\}");
        d.put("max.concurrent", 3);
        d.put("api.token", "another-s3cr3t");
        q.update(d);
        awaitLine("configuration jqm.queue~audited changed by \\S+ \\(console or API\\): api.token: \\*+ -> \\*+, max.concurrent: 2 -> 3");
        q.delete();
        awaitLine("configuration jqm.queue~audited deleted");

        service(Accounts.class).create("audited-user", Set.of(Role.VIEWER), null);
        awaitLine("account audited-user created with roles \\[VIEWER\\] by \\S+ \\(console\\)");
        service(Accounts.class).resetPassword("audited-user");
        awaitLine("password of account audited-user changed by \\S+");

        Bundle sample = deploySample();
        awaitLine("bundle jqm.sample.hello \\S+ installed by \\S+");
        sample.uninstall();
        awaitLine("bundle jqm.sample.hello \\S+ uninstalled");

        String text = Files.readString(audit());
        assertTrue("no secret in the audit log", !text.contains("s3cr3t"));
        assertTrue("rw-------".equals(PosixFilePermissions.toString(Files.getPosixFilePermissions(audit()))));
    }
}
