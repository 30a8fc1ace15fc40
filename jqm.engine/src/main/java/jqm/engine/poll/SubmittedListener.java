package jqm.engine.poll;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.engine.store.Store;
import jqm.engine.store.StoreException;

/**
 * On PostgreSQL, wakes this node's poller of a queue as soon as an instance becomes SUBMITTED in it,
 * whichever node or client enqueued it (LISTEN/NOTIFY), so that the time from enqueue to start does
 * not depend on the polling interval; polling stays as the safety net. Reconnects with a growing
 * delay when the database is unreachable, and says so once per outage.
 */
@Component(immediate = true)
public class SubmittedListener {
    private static final Logger LOG = LoggerFactory.getLogger(SubmittedListener.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Store store;
    private final Pollers pollers;
    private final Thread thread;
    private volatile boolean running = true;

    @Activate
    public SubmittedListener(@Reference Store store, @Reference Pollers pollers) {
        this.store = store;
        this.pollers = pollers;
        if (store.isPostgres()) {
            thread = new Thread(this::listen, "jqm-submitted-listener");
            thread.setDaemon(true);
            thread.start();
        } else {
            thread = null;
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(5_000);
        }
    }

    private void listen() {
        long backoff = 1_000;
        boolean[] down = { false };
        while (running) {
            boolean[] connected = { false };
            try {
                store.listenSubmitted(pollers::wake, () -> running, () -> {
                    connected[0] = true;
                    if (down[0]) {
                        LOG.info("Listening to enqueues again");
                        down[0] = false;
                        // Instances submitted while nobody listened: the pollers look now rather than at their next poll.
                        pollers.wakeAll();
                    } else {
                        LOG.info("Listening to enqueues of the whole cluster (PostgreSQL notifications)");
                    }
                });
            } catch (StoreException e) {
                if (!running) {
                    return;
                }
                if (!down[0]) {
                    LOG.warn("No enqueue notifications ({}); polling goes on, retrying with a growing delay", e.getMessage());
                    down[0] = true;
                }
            }
            if (connected[0]) {
                backoff = 1_000;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }
}
