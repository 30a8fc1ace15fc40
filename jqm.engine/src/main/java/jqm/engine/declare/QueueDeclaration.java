package jqm.engine.declare;

import java.util.Map;

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

import jqm.engine.node.LocalNode;
import jqm.engine.poll.Pollers;
import jqm.engine.store.Store;

/**
 * One queue declared by an operator, and this node's mapping to it: a factory configuration
 * {@code jqm.queue~NAME} (the file {@code conf/jqm.queue~NAME.cfg}). Creating the file creates the
 * queue if the cluster lacks it and starts polling; editing it changes the slots or interval at once;
 * removing it stops this node's polling once the running instances have ended. The queue itself
 * stays in the database, with its waiting instances, for the other nodes mapped to it.
 */
@Component(configurationPid = QueueDeclaration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = QueueDeclaration.Config.class, factory = true)
public class QueueDeclaration {
    public static final String PID = "jqm.queue";

    private static final Logger LOG = LoggerFactory.getLogger(QueueDeclaration.class);

    @ObjectClassDefinition(name = "JQM queue", description = "A queue of the cluster and this node's mapping to it")
    public @interface Config {
        @AttributeDefinition(name = "Name", description = "The queue's name. Empty: the name of the configuration (jqm.queue~NAME)")
        String name() default "";

        @AttributeDefinition(name = "Description", description = "What the queue is for, shown to operators")
        String description() default "";

        @AttributeDefinition(name = "Slots", description = "How many instances of this queue this node runs at once", min = "1", max = "1000")
        int max_concurrent() default 4;

        @AttributeDefinition(name = "Polling interval (ms)", description = "How often this node looks for waiting instances when nothing wakes it", min = "100")
        long polling_interval_ms() default 1000;

        @AttributeDefinition(name = "Enabled", description = "false: this node stops claiming from the queue (running instances go on)")
        boolean enabled() default true;
    }

    private final Store store;
    private final LocalNode node;
    private final String queue;
    private final Pollers pollers;

    @Activate
    public QueueDeclaration(Config config, Map<String, Object> properties, @Reference Store store, @Reference LocalNode node,
            @Reference Pollers pollers) {
        this.store = store;
        this.node = node;
        this.pollers = pollers;
        this.queue = Names.of(config.name(), properties, "jqm.queue", "queue");
        apply(config);
    }

    @Modified
    void modified(Config config, Map<String, Object> properties) {
        if (!queue.equals(Names.of(config.name(), properties, "jqm.queue", "queue"))) {
            LOG.warn("Queue {}: renaming a queue is not supported; declare the new name in a file of its own", queue);
            return;
        }
        apply(config);
    }

    private void apply(Config config) {
        boolean changed = store.declareQueue(queue, config.description(), node.name(), config.max_concurrent(),
                config.polling_interval_ms(), config.enabled());
        if (changed) {
            LOG.info("Queue {} declared for node {}: {} slots every {} ms{}", queue, node.name(), config.max_concurrent(),
                    config.polling_interval_ms(), config.enabled() ? "" : " (disabled)");
        }
        pollers.refresh();
    }

    @Deactivate
    void removed(int reason) {
        // Only a deleted configuration removes the mapping; a stopping node or engine keeps it.
        if (reason == ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED) {
            store.removeMapping(node.name(), queue);
            LOG.info("Queue {} no longer declared for node {}", queue, node.name());
            pollers.refresh();
        }
    }
}
