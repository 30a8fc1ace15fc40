package jqm.engine.declare;

import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.engine.run.PayloadRunner;
import jqm.engine.store.JobDefSpec;
import jqm.engine.store.Store;

/**
 * A job definition declared by an operator: the factory configuration {@code jqm.jobdef~NAME} (the
 * file {@code conf/jqm.jobdef-NAME.cfg}). With a {@code command} it is a shell job; without, it
 * overrides what a payload bundle declares for that name (queue, parameters, maximum run time...).
 * Keys {@code parameter.KEY=VALUE} give default parameters. Removing the file removes a shell
 * definition, or gives a bundle's definition back to its bundle.
 */
@Component(configurationPid = JobDefDeclaration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = JobDefDeclaration.Config.class, factory = true)
public class JobDefDeclaration {
    public static final String PID = "jqm.jobdef";
    static final String PARAMETER_PREFIX = "parameter.";

    private static final Logger LOG = LoggerFactory.getLogger(JobDefDeclaration.class);

    @ObjectClassDefinition(name = "JQM job definition", description = "A shell job, or the override of a payload bundle's job definition. Default parameters: keys parameter.NAME")
    public @interface Config {
        @AttributeDefinition(name = "Name", description = "The name requests use (JQM's application name). Empty: the name of the configuration (jqm.jobdef~NAME)")
        String name() default "";

        @AttributeDefinition(name = "Description")
        String description() default "";

        @AttributeDefinition(name = "Command", description = "For a shell job: the command line, run by /bin/sh -c with the parameters' values (sorted by name) as $1, $2...")
        String command() default "";

        @AttributeDefinition(name = "Queue", description = "The queue instances wait in when a request names none")
        String queue() default "DEFAULT";

        @AttributeDefinition(name = "Maximum run time (s)", description = "An instance running longer is killed; 0: no limit", min = "0")
        int max_run_time_seconds() default 0;

        @AttributeDefinition(name = "Highlander", description = "At most one instance waits and one runs at a time in the cluster; a request made while one waits gets its id")
        boolean highlander() default false;

        String application() default "";

        String module() default "";

        String keyword1() default "";

        String keyword2() default "";

        String keyword3() default "";

        @AttributeDefinition(name = "Secret parameters", description = "Names of parameters whose values are never shown in answers, logs or the console, comma separated")
        String secret_parameters() default "";
    }

    private final Store store;
    private final PayloadRunner runner;
    private final String name;

    @Activate
    public JobDefDeclaration(Config config, Map<String, Object> properties, @Reference Store store,
            @Reference PayloadRunner runner) {
        this.store = store;
        this.runner = runner;
        this.name = Names.of(config.name(), properties, "jqm.jobdef", "job definition");
        apply(config, properties);
    }

    @Modified
    void modified(Config config, Map<String, Object> properties) {
        if (!name.equals(Names.of(config.name(), properties, "jqm.jobdef", "job definition"))) {
            LOG.warn("Job definition {}: renaming is not supported; declare the new name in a file of its own", name);
            return;
        }
        apply(config, properties);
    }

    private void apply(Config c, Map<String, Object> properties) {
        Map<String, String> parameters = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith(PARAMETER_PREFIX) && k.length() > PARAMETER_PREFIX.length()) {
                parameters.put(k.substring(PARAMETER_PREFIX.length()), String.valueOf(v));
            }
        });
        store.configureJobDefinition(new JobDefSpec(name, blank(c.description()), blank(c.queue()), blank(c.command()),
                c.max_run_time_seconds() > 0 ? c.max_run_time_seconds() : null, c.highlander(), blank(c.application()),
                blank(c.module()), blank(c.keyword1()), blank(c.keyword2()), blank(c.keyword3()), parameters,
                "configuration " + properties.get("service.pid"), java.util.Arrays.stream(c.secret_parameters().split(","))
                        .map(String::trim).filter(n -> !n.isEmpty()).collect(java.util.stream.Collectors.toSet())));
        LOG.info("Job definition {} declared by configuration ({})", name, c.command().isBlank() ? "payload bundle" : "shell");
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Deactivate
    void removed(int reason) {
        if (reason == ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED) {
            if (store.unconfigureJobDefinition(name)) {
                runner.redeclare(name);
            }
            LOG.info("Job definition {} no longer declared by configuration", name);
        }
    }
}
