package jqm.engine.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import jqm.api.client.State;
import jqm.engine.model.Instance;

/**
 * The claim on a real database (H2, through OpenJPA, outside OSGi): when several pollers of several
 * nodes race on one queue, every instance is claimed exactly once and none beyond a poller's slots.
 */
public class StoreClaimTest {
    private EntityManagerFactory emf;
    private Store store;

    @Before
    public void database() throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put("javax.persistence.jdbc.driver", "org.h2.Driver");
        props.put("javax.persistence.jdbc.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        props.put("openjpa.ConnectionFactoryProperties", "MaxActive=20");
        emf = Persistence.createEntityManagerFactory("jqm", props);
        store = new Store(emf, new jqm.engine.schema.Schema(emf)); // the schema from the changelog, as in a node
        store.registerNode("n0", 4, 1000);
        store.declareJobDefinition(new JobDefSpec("Job", null, null, null, null, false, null, null, null, null, null,
                Map.of(), "test", java.util.Set.of()));
    }

    @After
    public void close() {
        emf.close();
    }

    private long enqueue(int priority) {
        Instance i = new Instance();
        i.setJobName("Job");
        i.setQueueName(Store.DEFAULT_QUEUE);
        i.setPriority(priority);
        return store.enqueue(i, Map.of("p", "v"), true);
    }

    @Test
    public void racingPollersClaimEachInstanceOnceAndNeverMoreThanTheirSlots() throws Exception {
        int count = 300;
        Set<Long> enqueued = new HashSet<>();
        for (int i = 0; i < count; i++) {
            enqueued.add(enqueue(0));
        }
        int pollers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(pollers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int p = 0; p < pollers; p++) {
            String node = "node" + p;
            results.add(pool.submit(() -> {
                start.await();
                List<Long> mine = new ArrayList<>();
                while (true) {
                    List<Claim> claims = store.claim(Store.DEFAULT_QUEUE, node, 3);
                    assertTrue("never more than the free slots", claims.size() <= 3);
                    if (claims.isEmpty()) {
                        return mine;
                    }
                    for (Claim c : claims) {
                        mine.add(c.id());
                        assertEquals(Map.of("p", "v"), c.parameters());
                        store.markRunning(c.id());
                        store.end(c.id(), State.ENDED, null);
                    }
                }
            }));
        }
        start.countDown();
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : results) {
            all.addAll(f.get());
        }
        pool.shutdown();
        assertEquals("every instance claimed once, none twice", count, all.size());
        assertEquals(enqueued, new HashSet<>(all));
        assertTrue(store.claim(Store.DEFAULT_QUEUE, "late", 10).isEmpty());
    }

    @Test
    public void theHighestPriorityIsClaimedFirstThenTheOldest() {
        long low = enqueue(1);
        long highOld = enqueue(9);
        long none = enqueue(0);
        long highNew = enqueue(9);
        List<Long> order = new ArrayList<>();
        List<Claim> claims;
        while (!(claims = store.claim(Store.DEFAULT_QUEUE, "n0", 1)).isEmpty()) {
            order.add(claims.get(0).id());
        }
        assertEquals(List.of(highOld, highNew, low, none), order);
    }
}
