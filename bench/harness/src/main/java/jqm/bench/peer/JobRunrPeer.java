package jqm.bench.peer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.jobrunr.configuration.JobRunr;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The second peer: JobRunr in a JVM of its own, as its documentation sets it up (PostgreSQL storage,
 * a background job server), with the same worker threads and pool size as the JQM node. Its polling
 * interval cannot go below 5 s (JobRunr refuses less), so it polls every 5 s where the others poll
 * every second, and nothing wakes it. Driven as {@link DbSchedulerPeer}, one command a line:
 * <ul>
 * <li>{@code enqueue N T}: schedules N no-op jobs for tomorrow (so none runs) from T threads;
 * <li>{@code prepare N}: processing paused, enqueues N no-op jobs in one call (its bulk enqueue);
 * <li>{@code wake}: resumes processing, and has the server look for work at once;
 * <li>{@code steady R S}: enqueues no-op jobs at R per second for S seconds, and answers once all
 * ran, with the delays from enqueue to the job's start and to its return (p50, p99);
 * <li>{@code quit}.
 * </ul>
 * Arguments: JDBC URL, user, threads, polling interval (ms, at least 5,000 is used), pool size;
 * password in PEER_DB_PASSWORD.
 */
public final class JobRunrPeer {
    /** The steady load in progress. */
    private static volatile Load.Steady steady;

    private JobRunrPeer() {
    }

    /** The job of the enqueue and drain measures: nothing. Public and static, as JobRunr calls it. */
    public static void noop() {
        // nothing
    }

    /** The job of the drain's bulk enqueue (JobRunr's stream enqueue passes each element). */
    public static void drained(int i) {
        // nothing
    }

    /** The job of the steady load: records its delays. */
    public static void timed(int i) {
        steady.started(i);
        steady.ended(i);
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        int threads = Integer.parseInt(args[2]);
        long pollMs = Math.max(5_000, Long.parseLong(args[3]));
        int poolSize = Integer.parseInt(args[4]);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(System.getenv("PEER_DB_PASSWORD"));
        hc.setMaximumPoolSize(poolSize);
        HikariDataSource ds = new HikariDataSource(hc);

        JobScheduler scheduler = JobRunr.configure().useStorageProvider(new PostgresStorageProvider(ds))
                .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration().andWorkerCount(threads)
                        .andPollInterval(Duration.ofMillis(pollMs)))
                .initialize().getJobScheduler();
        BackgroundJobServer server = JobRunr.getBackgroundJobServer();
        long startupMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println("READY {\"startupMs\":" + startupMs + ",\"pollMs\":" + pollMs + "}");
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] cmd = line.trim().split("\\s+");
            switch (cmd[0]) {
            case "enqueue" -> {
                int n = Integer.parseInt(cmd[1]);
                int t = Integer.parseInt(cmd[2]);
                long startMs = System.currentTimeMillis();
                AtomicInteger next = new AtomicInteger();
                ZonedDateTime tomorrow = ZonedDateTime.now().plusDays(1);
                long ms = Load.timed(t, () -> {
                    while (next.getAndIncrement() < n) {
                        scheduler.schedule(tomorrow, () -> JobRunrPeer.noop());
                    }
                });
                System.out.println("RESULT {\"n\":" + n + ",\"threads\":" + t + ",\"ms\":" + ms + ",\"startMs\":" + startMs
                        + ",\"endMs\":" + System.currentTimeMillis() + "}");
            }
            case "prepare" -> {
                server.pauseProcessing();
                int n = Integer.parseInt(cmd[1]);
                scheduler.<Integer> enqueue(IntStream.range(0, n).boxed(), i -> JobRunrPeer.drained(i));
                System.out.println("RESULT {\"n\":" + n + "}");
            }
            case "wake" -> {
                server.resumeProcessing();
                server.getJobSteward().notifyThreadIdle();
                System.out.println("RESULT {}");
            }
            case "steady" -> {
                int rate = Integer.parseInt(cmd[1]);
                steady = new Load.Steady(rate, Integer.parseInt(cmd[2]));
                System.out.println("RESULT " + steady.run(rate, i -> scheduler.enqueue(() -> JobRunrPeer.timed(i))));
            }
            case "quit" -> {
                JobRunr.destroy();
                ds.close();
                System.out.println("RESULT {}");
                System.out.flush();
                return;
            }
            default -> System.out.println("RESULT {\"error\":\"unknown command\"}");
            }
            System.out.flush();
        }
        JobRunr.destroy();
        ds.close();
    }
}
