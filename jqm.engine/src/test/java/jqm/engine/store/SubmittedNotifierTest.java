package jqm.engine.store;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.Test;

/** Every queue submitted is sent after it was submitted; many submitted at once share few sendings; a failure loses only a wake-up. */
public class SubmittedNotifierTest {
    @Test
    public void everyQueueIsSentAfterItsSubmissionAndManyShareASending() throws Exception {
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        int submitted = 20_000;
        try (SubmittedNotifier n = new SubmittedNotifier(q -> sent.add(new ArrayList<>(q)))) {
            for (int i = 0; i < submitted; i++) {
                n.submitted("q" + i % 3);
            }
        } // closing sends what is pending
        Set<String> queues = new HashSet<>();
        sent.forEach(queues::addAll);
        assertEquals(Set.of("q0", "q1", "q2"), queues);
        assertTrue("sendings are coalesced: " + sent.size() + " for " + submitted, sent.size() < submitted / 10);
    }

    @Test
    public void aQueueSubmittedAfterASendingIsSentAgain() throws Exception {
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        try (SubmittedNotifier n = new SubmittedNotifier(q -> sent.add(new ArrayList<>(q)))) {
            n.submitted("a");
            long deadline = System.currentTimeMillis() + 10_000;
            while (sent.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(1);
            }
            n.submitted("a");
        }
        assertEquals(List.of(List.of("a"), List.of("a")), sent);
    }

    @Test
    public void aFailedSendingIsLoggedAndTheNextOnesGoOn() throws Exception {
        List<List<String>> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean down = new AtomicBoolean(true);
        try (SubmittedNotifier n = new SubmittedNotifier(q -> {
            if (down.getAndSet(false)) {
                throw new StoreException("database down", null);
            }
            sent.add(new ArrayList<>(q));
        })) {
            n.submitted("a");
            Thread.sleep(50);
            n.submitted("b");
        }
        assertEquals(List.of(List.of("b")), sent);
    }
}
