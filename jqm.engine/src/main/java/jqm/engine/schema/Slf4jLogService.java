package jqm.engine.schema;

import java.util.logging.Level;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import liquibase.logging.core.AbstractLogService;
import liquibase.logging.core.AbstractLogger;

/**
 * Liquibase's log into the node's log (it would write to java.util.logging's console otherwise). Its step-by-step
 * INFO lines go to DEBUG: the schema component logs what was applied in one line.
 */
final class Slf4jLogService extends AbstractLogService {
    private static final Logger LOG = LoggerFactory.getLogger("liquibase");

    @Override
    public int getPriority() {
        return PRIORITY_SPECIALIZED;
    }

    @Override
    public liquibase.logging.Logger getLog(Class clazz) {
        return new AbstractLogger() {
            @Override
            public void log(Level level, String message, Throwable e) {
                int v = level.intValue();
                if (level == Level.OFF) {
                    return; // what Liquibase means not to show (its analytics say so about being off)
                } else if (v >= Level.SEVERE.intValue()) {
                    LOG.error(message, e);
                } else if (v >= Level.WARNING.intValue()) {
                    LOG.warn(message, e);
                } else {
                    LOG.debug(message, e);
                }
            }
        };
    }
}
