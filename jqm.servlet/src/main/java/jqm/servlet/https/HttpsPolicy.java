package jqm.servlet.https;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.security.SecretFile;

/**
 * Applied by ConfigAdmin to the HTTP configuration ({@code org.apache.felix.http}) before Jetty sees
 * it. Secrets come by reference: a key {@code KEY.file} holding the path of a file is replaced by
 * {@code KEY} holding the file's content (its first line), so that a password never has to stand in
 * {@code conf/} (an environment variable works too: {@code KEY=${env:NAME}}); such a file readable
 * by others is reported. When HTTPS is on, plain HTTP is turned off unless the configuration keeps
 * it on explicitly with {@code jqm.http.keep.plain=true}, which is logged.
 *
 * <p>The runtime starts with plain HTTP off (framework property {@code org.apache.felix.http.enable=false}):
 * nothing listens before this policy has been applied. When it starts, it has ConfigAdmin deliver
 * the HTTP configuration again, through it.
 */
@Component(immediate = true, property = { ConfigurationPlugin.CM_TARGET + "=org.apache.felix.http",
        ConfigurationPlugin.CM_RANKING + ":Integer=100" })
public class HttpsPolicy implements ConfigurationPlugin {
    static final String PID = "org.apache.felix.http";

    @Activate
    public HttpsPolicy(@Reference ConfigurationAdmin configurationAdmin) throws IOException {
        Configuration c = configurationAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> current = c.getProperties();
        c.update(current == null ? new Hashtable<>() : current);
    }
    static final String KEEP_PLAIN = "jqm.http.keep.plain";
    private static final Logger LOG = LoggerFactory.getLogger(HttpsPolicy.class);
    private static final String FILE_SUFFIX = ".file";

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        List<String> keys = Collections.list(properties.keys());
        for (String key : keys) {
            if (key.endsWith(FILE_SUFFIX) && key.startsWith("org.apache.felix.https.") && key.contains("password")) {
                String target = key.substring(0, key.length() - FILE_SUFFIX.length());
                read(String.valueOf(properties.get(key))).ifPresent(secret -> properties.put(target, secret));
                properties.remove(key);
            }
        }
        boolean https = Boolean.parseBoolean(String.valueOf(properties.get("org.apache.felix.https.enable")));
        boolean keepPlain = Boolean.parseBoolean(String.valueOf(properties.get(KEEP_PLAIN)));
        properties.put("org.apache.felix.http.enable", Boolean.toString(!https || keepPlain));
        if (https && keepPlain) {
            LOG.warn("Plain HTTP stays on beside HTTPS ({}=true): credentials sent to it cross the network in clear", KEEP_PLAIN);
        }
    }

    private static java.util.Optional<String> read(String path) {
        SecretFile file = new SecretFile(Paths.get(path));
        try {
            if (file.readableByOthers()) {
                LOG.warn("The secret file {} is readable by other accounts: chmod 600 it", file.path());
            }
            return java.util.Optional.of(file.read());
        } catch (IOException e) {
            LOG.error("Cannot read the secret file {}: {}; HTTPS will not start with it", file.path(), e.toString());
            return java.util.Optional.empty();
        }
    }
}
