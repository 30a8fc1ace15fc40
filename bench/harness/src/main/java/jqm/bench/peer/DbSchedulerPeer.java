package jqm.bench.peer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The peer: db-scheduler in a JVM of its own, as an application embeds it, with the same worker
 * threads, pool size and polling interval as the JQM node it is compared with, lock-and-fetch
 * polling, and immediate execution of what it schedules itself. Driven by the harness through
 * its standard input, one command a line, one {@code RESULT json} line each on standard output:
 * <ul>
 * <li>{@code enqueue N T}: schedules N executions of {@code noop} (due tomorrow, so none runs) from T threads;
 * <li>{@code steady R S}: schedules {@code noop} at R per second for S seconds, due at once, and
 * answers once all ran, with the delays from scheduling to start and to end (p50, p99);
 * <li>{@code quit}.
 * </ul>
 * Arguments: JDBC URL, user, threads, polling interval (ms), pool size; password in PEER_DB_PASSWORD.
 */
public final class DbSchedulerPeer {
    private static final AtomicLong ran = new AtomicLong();
    /** Per steady run: scheduling time (ns, System.nanoTime) by instance number, start and end delays. */
    private static volatile long[] scheduledAt = new long[0];
    private static volatile long[] startDelay = new long[0];
    private static volatile long[] endDelay = new long[0];

    private DbSchedulerPeer() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        int threads = Integer.parseInt(args[2]);
        long pollMs = Long.parseLong(args[3]);
        int poolSize = Integer.parseInt(args[4]);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(System.getenv("PEER_DB_PASSWORD"));
        hc.setMaximumPoolSize(poolSize);
        HikariDataSource ds = new HikariDataSource(hc);

        // A one-time task as Tasks.oneTime makes it (the execution is removed once it has run), with the
        // moment of that removal recorded: "ended" here is the execution gone from the table.
        CustomTask<Void> noop = Tasks.custom("noop", Void.class).execute((instance, ctx) -> {
            String id = instance.getId();
            int i = id.startsWith("s") ? Integer.parseInt(id.substring(1)) : -1;
            if (i >= 0) {
                startDelay[i] = System.nanoTime() - scheduledAt[i];
            }
            return (complete, operations) -> {
                operations.remove();
                if (i >= 0) {
                    endDelay[i] = System.nanoTime() - scheduledAt[i];
                }
                ran.incrementAndGet();
            };
        });
        Scheduler scheduler = Scheduler.create(ds, noop).threads(threads).pollingInterval(Duration.ofMillis(pollMs))
                .pollUsingLockAndFetch(0.5, 1.0).enableImmediateExecution().build();
        scheduler.start();
        long startupMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println("READY {\"startupMs\":" + startupMs + "}");
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        AtomicInteger batch = new AtomicInteger();
        while ((line = in.readLine()) != null) {
            String[] cmd = line.trim().split("\\s+");
            switch (cmd[0]) {
            case "enqueue" -> {
                int n = Integer.parseInt(cmd[1]);
                int t = Integer.parseInt(cmd[2]);
                String prefix = "e" + ProcessHandle.current().pid() + "-" + batch.incrementAndGet() + "-"; // unique among peers
                long startMs = System.currentTimeMillis();
                AtomicInteger next = new AtomicInteger();
                Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
                long ms = timed(t, () -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        scheduler.schedule(noop.instance(prefix + i), tomorrow);
                    }
                });
                System.out.println("RESULT {\"n\":" + n + ",\"threads\":" + t + ",\"ms\":" + ms + ",\"startMs\":" + startMs
                        + ",\"endMs\":" + System.currentTimeMillis() + "}");
            }
            case "wake" -> {
                // as JQM's nodes are woken by PostgreSQL's NOTIFY when instances are written by others
                scheduler.triggerCheckForDueExecutions();
                System.out.println("RESULT {}");
            }
            case "steady" -> System.out.println("RESULT " + steady(scheduler, noop, Integer.parseInt(cmd[1]), Integer.parseInt(cmd[2])));
            case "quit" -> {
                scheduler.stop();
                ds.close();
                System.out.println("RESULT {}");
                System.out.flush();
                return;
            }
            default -> System.out.println("RESULT {\"error\":\"unknown command\"}");
            }
            System.out.flush();
        }
        scheduler.stop();
        ds.close();
    }

    private static String steady(Scheduler scheduler, CustomTask<Void> noop, int rate, int seconds) throws Exception {
        int n = rate * seconds;
        scheduledAt = new long[n];
        startDelay = new long[n];
        endDelay = new long[n];
        long before = ran.get();
        long periodNs = 1_000_000_000L / rate;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger late = new AtomicInteger();
        long start = System.nanoTime() + 50_000_000L;
        timed(4, () -> {
            int i;
            while ((i = next.getAndIncrement()) < n) {
                long wait = start + i * periodNs - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                } else if (wait < -periodNs) {
                    late.incrementAndGet();
                }
                scheduledAt[i] = System.nanoTime();
                scheduler.schedule(noop.instance("s" + i), Instant.now());
            }
        });
        long deadline = System.currentTimeMillis() + 300_000;
        while (ran.get() - before < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return "{\"n\":" + n + ",\"ran\":" + (ran.get() - before) + ",\"late\":" + late.get() + ",\"runningP50\":" + pct(startDelay, 50)
                + ",\"runningP99\":" + pct(startDelay, 99) + ",\"endedP50\":" + pct(endDelay, 50) + ",\"endedP99\":" + pct(endDelay, 99) + "}";
    }

    /** @return the percentile in ms of the recorded delays (ns) */
    static double pct(long[] delaysNs, int p) {
        long[] sorted = Arrays.stream(delaysNs).filter(d -> d > 0).sorted().toArray();
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1_000_000.0;
    }

    static long timed(int threads, Runnable work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        long start = System.nanoTime();
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (java.util.concurrent.Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        if (failure.get() != null) {
            throw failure.get();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
