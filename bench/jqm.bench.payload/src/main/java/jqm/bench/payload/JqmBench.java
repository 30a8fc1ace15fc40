package jqm.bench.payload;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jqm.api.client.JobRequest;
import jqm.api.client.JqmClient;
import jqm.api.payload.JobContext;
import jqm.api.payload.JobPayload;

/**
 * The job definition {@code JqmBench}: drives the Java client from inside the node, as an
 * application bundle would, and prints its figures as one JSON line on its standard output.
 * <ul>
 * <li>{@code op=enqueue n=N threads=T}: enqueues N instances of {@code NoOpSink} from T threads.
 * <li>{@code op=steady rate=R seconds=S}: enqueues {@code NoOp} at R per second for S seconds, each
 * at its own planned time (an open load: a late enqueue does not delay the next ones).
 * </ul>
 */
@Component(property = { JobPayload.JOBDEF + "=JqmBench", JobPayload.DESCRIPTION + "=Benchmark driver (Java client)" })
public class JqmBench implements JobPayload {
    private final JqmClient client;

    @Activate
    public JqmBench(@Reference JqmClient client) {
        this.client = client;
    }

    @Override
    public void run(JobContext context) throws Exception {
        String op = context.parameters().getOrDefault("op", "");
        switch (op) {
        case "enqueue" -> enqueue(Integer.parseInt(context.parameters().get("n")), Integer.parseInt(context.parameters().get("threads")));
        case "steady" -> steady(Integer.parseInt(context.parameters().get("rate")), Integer.parseInt(context.parameters().get("seconds")));
        default -> throw new IllegalArgumentException("op=enqueue or op=steady, not '" + op + "'");
        }
    }

    private void enqueue(int n, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long startMs = System.currentTimeMillis();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                try {
                    while (next.getAndIncrement() < n) {
                        client.enqueue(JobRequest.of("NoOpSink"));
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        long ns = System.nanoTime() - start;
        if (failure.get() != null) {
            throw failure.get();
        }
        System.out.println("{\"n\":" + n + ",\"threads\":" + threads + ",\"ms\":" + ns / 1_000_000.0 + ",\"startMs\":" + startMs
                + ",\"endMs\":" + System.currentTimeMillis() + "}");
    }

    private void steady(int rate, int seconds) throws Exception {
        int n = rate * seconds;
        long periodNs = 1_000_000_000L / rate;
        AtomicInteger next = new AtomicInteger();
        AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        AtomicLong last = new AtomicLong(Long.MIN_VALUE);
        AtomicInteger late = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime() + 50_000_000L;
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                try {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        long wait = start + i * periodNs - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } else if (wait < -periodNs) {
                            late.incrementAndGet();
                        }
                        long id = client.enqueue(JobRequest.of("NoOp"));
                        first.accumulateAndGet(id, Math::min);
                        last.accumulateAndGet(id, Math::max);
                    }
                } catch (RuntimeException | InterruptedException e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        if (failure.get() != null) {
            throw failure.get();
        }
        System.out.println("{\"n\":" + n + ",\"first\":" + first.get() + ",\"last\":" + last.get() + ",\"late\":" + late.get()
                + ",\"ms\":" + (System.nanoTime() - start) / 1_000_000.0 + "}");
    }
}
