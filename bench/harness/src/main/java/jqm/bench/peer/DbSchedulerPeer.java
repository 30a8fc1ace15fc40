package jqm.bench.peer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

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
    /** The steady load in progress. */
    private static volatile Load.Steady steady;

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
                steady.started(i);
            }
            return (complete, operations) -> {
                operations.remove();
                if (i >= 0) {
                    steady.ended(i);
                }
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
                long ms = Load.timed(t, () -> {
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
            case "steady" -> {
                int rate = Integer.parseInt(cmd[1]);
                steady = new Load.Steady(rate, Integer.parseInt(cmd[2]));
                System.out.println("RESULT " + steady.run(rate, i -> scheduler.schedule(noop.instance("s" + i), Instant.now())));
            }
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
}
