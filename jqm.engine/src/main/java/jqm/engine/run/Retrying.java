package jqm.engine.run;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.engine.store.StoreException;

/**
 * The database calls an instance's outcome depends on (it runs; it ended so), retried with a growing
 * delay while the database is unreachable rather than lost: a database outage delays them, it does
 * not leave the instance in a wrong state. Given up only when the node stops, which leaves the
 * instance to the recovery of a restarting or surviving node.
 */
final class Retrying {
    private static final Logger LOG = LoggerFactory.getLogger(Retrying.class);
    private static final long FIRST_DELAY_MS = 250;
    private static final long MAX_DELAY_MS = 10_000;

    private final BooleanSupplier giveUp;

    Retrying(BooleanSupplier giveUp) {
        this.giveUp = giveUp;
    }

    <T> T call(long instance, String what, Supplier<T> work) {
        long delay = FIRST_DELAY_MS;
        boolean failed = false;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    T result = work.get();
                    if (failed) {
                        LOG.info("Instance {}: {} done, the database is back", instance, what);
                    }
                    return result;
                } catch (StoreException e) {
                    if (giveUp.getAsBoolean()) {
                        throw e;
                    }
                    if (!failed) {
                        LOG.warn("Instance {}: cannot {} now ({}); retrying until the database is back", instance, what,
                                e.getMessage());
                        failed = true;
                    }
                }
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    interrupted = true; // a kill while recording the outcome: the outcome is still recorded
                }
                delay = Math.min(delay * 2, MAX_DELAY_MS);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void run(long instance, String what, Runnable work) {
        call(instance, what, () -> {
            work.run();
            return null;
        });
    }
}
