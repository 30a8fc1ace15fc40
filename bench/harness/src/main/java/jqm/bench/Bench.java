package jqm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Runs the benchmarks: JQM and db-scheduler on one PostgreSQL, alternating, the same work, worker
 * threads, pool size and polling interval on both sides, each figure repeated; then writes
 * bench/RESULTS.md and bench/results.json with the medians and each figure's ratio to the peer.
 * Started by bench/run, which passes the settings as system properties.
 */
public final class Bench {
    static final String JQM = "jqm";
    static final String PEER = "db-scheduler";
    /** The second peer, measured in each repetition on the one-node figures. */
    static final String JOBRUNR = "JobRunr";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Pg pg;
    private final Path repo;
    private final Path work;
    private final Path payloadJar;
    private final int slots = 8;
    private final int poolSize = 10;
    private final long pollMs = 1000;
    private final String javaOpts;
    private final boolean quick;
    private final Figures figures = new Figures();
    private int databases;
    private int recordings;
    private long nextDrainId = 1_000_000_000L;

    private Bench() throws Exception {
        pg = new Pg(System.getProperty("bench.pg.url"), System.getProperty("bench.pg.user"), System.getenv("BENCH_PG_PASSWORD"));
        repo = Path.of(System.getProperty("bench.repo")).toAbsolutePath();
        work = Files.createDirectories(repo.resolve("bench/target/work"));
        payloadJar = repo.resolve("bench/jqm.bench.payload/target/jqm.bench.payload-0.1.0-SNAPSHOT.jar");
        javaOpts = System.getProperty("bench.java.opts", "-Xmx1g");
        quick = Boolean.getBoolean("bench.quick");
    }

    private int size(int n) {
        return quick ? Math.max(1, n / 10) : n;
    }

    public static void main(String[] args) throws Exception {
        new Bench().run(Integer.getInteger("bench.reps", 3));
    }

    /** bench.profile=true: one JQM node with a flight recording (bench/target/work/*.jfr), 4,000 HTTP enqueues and two drains of 20,000. */
    private void profileDrain() throws Exception {
        String db = newDatabase();
        try (JqmNode node = jqmNode(db, "jqm-a")) {
            node.awaitReady();
            awaitQueue(db, "sink");
            Thread.sleep(3000);
            log("profile: HTTP enqueue " + 4000 * 1000.0 / node.enqueueHttp(4000, 1) + "/s");
            checkAndClean(db, "SELECT count(*) FROM jqm_instance WHERE queue_name = 'sink'", 4000,
                    "DELETE FROM jqm_instance WHERE queue_name = 'sink'");
            for (int i = 0; i < 2; i++) {
                log("profile: Java enqueue, 4 threads: " + 20_000 * 1000.0
                        / JSON.readTree(node.driver("op", "enqueue", "n", "20000", "threads", "4")).get("ms").asDouble() + "/s");
                checkAndClean(db, "SELECT count(*) FROM jqm_instance WHERE queue_name = 'sink'", 20_000,
                        "DELETE FROM jqm_instance WHERE queue_name = 'sink'");
            }
            drainJqm(db, "warmup", null);
            drainJqm(db, "drain.1", "drain of 20,000 waiting no-op jobs, one node of 8 slots");
        }
        pg.drop(db);
    }

    /**
     * bench.focus=drain or enqueue: that figure alone (one node), for both engines, each measure with
     * the CPU spent per job by the engine's JVM and by PostgreSQL (to see which side a change helps).
     */
    private void focus(String what, int reps) throws Exception {
        for (int rep = 0; rep < reps; rep++) {
            String jqmDb = newDatabase();
            try (JqmNode node = jqmNode(jqmDb, "jqm-a")) {
                node.awaitReady();
                awaitQueue(jqmDb, "sink");
                if (what.equals("drain")) {
                    drainJqm(jqmDb, "warmup", null);
                    for (int i = 0; i < 2; i++) {
                        cpuPerJob(JQM, node.pid(), size(20_000),
                                () -> drainJqm(jqmDb, "drain.1", "drain of 20,000 waiting no-op jobs, one node of 8 slots"));
                    }
                } else {
                    for (int threads : new int[] { 4, 1, 4 }) {
                        cpuPerJob(JQM, node.pid(), enqueued(threads), () -> enqueueJqm(node, jqmDb, threads));
                    }
                }
            }
            pg.drop(jqmDb);
            String db = peerDatabase();
            try (Peer p = peer(db, "peer-a")) {
                p.awaitReady();
                if (what.equals("drain")) {
                    drainPeer(db, "warmup", null, p);
                    for (int i = 0; i < 2; i++) {
                        cpuPerJob(PEER, p.pid(), size(20_000),
                                () -> drainPeer(db, "drain.1", "drain of 20,000 waiting no-op jobs, one node of 8 slots", p));
                    }
                } else {
                    for (int threads : new int[] { 4, 1, 4 }) {
                        cpuPerJob(PEER, p.pid(), enqueued(threads), () -> enqueuePeer(p, db, threads));
                    }
                }
            }
            pg.drop(db);
        }
    }

    /** bench.focus=startup: the starts of each engine alone, as in a repetition of the whole run (the peers alternating). */
    private void startups() throws Exception {
        String db = newDatabase();
        JqmNode node = jqmNode(db, "jqm-a");
        try (node) {
            node.awaitReady();
        }
        restarts(node, STARTS);
        pg.drop(db);
        db = peerDatabase();
        peerStarts(db, STARTS);
        pg.drop(db);
    }

    /** Restarts a stopped node that many times on its root, and records each start. */
    private void restarts(JqmNode node, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            try (JqmNode restarted = start(node)) {
                startup(JQM, restarted.awaitReady());
            }
        }
    }

    /** Starts db-scheduler that many times on its database, and records each start. */
    private void peerStarts(String db, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            try (Peer p = peer(db, "peer-a")) {
                startup(PEER, startupMs(p));
            }
        }
    }

    /** @return how many instances an enqueue measure with that many threads enqueues */
    private int enqueued(int threads) {
        return size(threads == 1 ? 5_000 : 10_000);
    }

    /** Measures JQM's enqueue through the Java client, then checks and removes what it stored. */
    private void enqueueJqm(JqmNode node, String db, int threads) throws Exception {
        int n = enqueued(threads);
        JsonNode r = JSON.readTree(node.driver("op", "enqueue", "n", Integer.toString(n), "threads", Integer.toString(threads)));
        enqueueRate(JQM, threads, n, r);
        checkAndClean(db, "SELECT count(*) FROM jqm_instance WHERE queue_name = 'sink'", n, "DELETE FROM jqm_instance WHERE queue_name = 'sink'");
    }

    /** The same for db-scheduler's SchedulerClient.schedule. */
    private void enqueuePeer(Peer p, String db, int threads) throws Exception {
        int n = enqueued(threads);
        enqueueRate(PEER, threads, n, JSON.readTree(p.command("enqueue " + n + " " + threads)));
        checkAndClean(db, "SELECT count(*) FROM scheduled_tasks WHERE execution_time > now() + interval '1 hour'", n,
                "DELETE FROM scheduled_tasks WHERE execution_time > now() + interval '1 hour'");
    }

    private void enqueueRate(String engine, int threads, int n, JsonNode result) {
        figures.add("enqueue.java." + threads, "enqueue through the Java client, " + threads + " thread(s)", "/s", true, engine,
                n * 1000.0 / result.get("ms").asDouble());
    }

    interface Work {
        void run() throws Exception;
    }

    private void cpuPerJob(String engine, long pid, int jobs, Work work) throws Exception {
        double jvm0 = Proc.cpuSeconds(pid);
        double pg0 = Proc.cpuSecondsOfAll("postgres");
        work.run();
        figures.add("cpu.jvm", "CPU of the engine's JVM per job", "ms", false, engine, (Proc.cpuSeconds(pid) - jvm0) * 1000 / jobs);
        figures.add("cpu.pg", "CPU of PostgreSQL per job", "ms", false, engine, (Proc.cpuSecondsOfAll("postgres") - pg0) * 1000 / jobs);
    }

    private void run(int reps) throws Exception {
        if (System.getProperty("bench.focus", "").equals("enqueue2")) {
            for (int rep = 0; rep < reps; rep++) {
                jqmTwoNodes();
                peerTwoNodes();
            }
            return;
        }
        if (System.getProperty("bench.focus", "").equals("startup")) {
            for (int rep = 0; rep < reps; rep++) {
                startups();
            }
            return;
        }
        if (!System.getProperty("bench.focus", "").isEmpty()) {
            focus(System.getProperty("bench.focus"), reps);
            return;
        }
        if (Boolean.getBoolean("bench.profile")) {
            System.setProperty("bench.jfr", "true");
            profileDrain();
            return;
        }
        Map<String, Object> machine = Report.machine(pg);
        log("machine: " + machine);
        for (int rep = 0; rep < reps; rep++) {
            log("repetition " + (rep + 1) + " of " + reps);
            ceiling();
            List<String> order = rep % 2 == 0 ? List.of(JQM, PEER) : List.of(PEER, JQM);
            for (String engine : order) {
                if (engine.equals(JQM)) {
                    jqmOneNode();
                } else {
                    peerOneNode();
                }
            }
            jobRunrOneNode();
            for (String engine : order) {
                if (engine.equals(JQM)) {
                    jqmTwoNodes();
                } else {
                    peerTwoNodes();
                }
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("repetitions", reps);
        settings.put("workerThreadsPerNode", slots);
        settings.put("poolSizePerNode", poolSize);
        settings.put("pollingIntervalMs", pollMs);
        settings.put("drainJobs", size(20_000));
        settings.put("javaOpts", javaOpts);
        settings.put("quick", quick);
        Report.write(repo.resolve("bench"), machine, settings, figures, JSON);
        log("wrote bench/RESULTS.md and bench/results.json");
    }

    static void log(String s) {
        System.out.println(Instant.now() + " bench: " + s);
        System.out.flush();
    }

    private String newDatabase() throws Exception {
        String db = "jqmbench_" + ProcessHandle.current().pid() + "_" + (++databases);
        pg.recreate(db);
        return db;
    }

    // ---------------------------------------------------------------- PostgreSQL ceiling

    private void ceiling() throws Exception {
        String pgbench = System.getProperty("bench.pgbench", "pgbench");
        String db = newDatabase();
        pg.exec(db, "CREATE TABLE ins (id bigserial PRIMARY KEY, job_name text NOT NULL, state text NOT NULL, enqueued timestamptz DEFAULT now())",
                "CREATE TABLE q (id bigint PRIMARY KEY, state int NOT NULL)", "CREATE INDEX q_waiting ON q (id) WHERE state = 0",
                "INSERT INTO q SELECT g, 0 FROM generate_series(1, 400000) g", "VACUUM ANALYZE q");
        Path insert = work.resolve("insert.sql");
        Files.writeString(insert, "INSERT INTO ins (job_name, state) VALUES ('NoOp', 'SUBMITTED');\n");
        Path claim = work.resolve("claim.sql");
        Files.writeString(claim, "UPDATE q SET state = 1 WHERE id = (SELECT id FROM q WHERE state = 0 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                + "RETURNING id AS cid \\gset\nUPDATE q SET state = 2 WHERE id = :cid;\n");
        Path insert4 = work.resolve("insert4.sql");
        Files.writeString(insert4, "INSERT INTO ins (job_name, state) VALUES " + String.join(", ", java.util.Collections.nCopies(4, "('NoOp', 'SUBMITTED')"))
                + ";\n");
        figures.add("pg.insert", "single-row inserts/s (pgbench, 8 clients)", "/s", true, "ceiling", pgbench(pgbench, db, insert, 8));
        // What one and four enqueuing threads could do at most, each call a durable commit: one client committing one row at a
        // time; four clients each committing its own rows (db-scheduler's way); one client committing four rows at a time (JQM's
        // group commit, its four callers in one batch).
        figures.add("pg.insert.1", "single-row inserts/s, 1 client (one commit at a time)", "/s", true, "ceiling", pgbench(pgbench, db, insert, 1));
        figures.add("pg.insert.4", "single-row inserts/s, 4 clients (each committing its own)", "/s", true, "ceiling", pgbench(pgbench, db, insert, 4));
        figures.add("pg.insert.4x1", "rows/s inserted four per commit, 1 client", "/s", true, "ceiling", 4 * pgbench(pgbench, db, insert4, 1));
        figures.add("pg.claimFinish", "claim-and-finish/s (pgbench, 8 clients: SKIP LOCKED claim, then update)", "/s", true, "ceiling",
                pgbench(pgbench, db, claim, 8));
        pg.drop(db);
    }

    /**
     * What one enqueuing thread, and four sharing each commit, could do at most with JQM's data: its
     * instance row alone (no check of the job definition or the queue, no parameter: less than an
     * enqueue writes), inserted into its table (with its indexes) on the node's database, by pgbench
     * while the node is idle. The rows go to a queue nobody polls, and are removed afterwards.
     */
    private void instanceRowCeiling(String db) throws Exception {
        String pgbench = System.getProperty("bench.pgbench", "pgbench");
        String row = "(nextval('jqm_instance_seq'), 'NoOp', 'ceiling', 'SUBMITTED', 0, 'bench', LOCALTIMESTAMP, false, 1)";
        String insert = "INSERT INTO jqm_instance (id, job_name, queue_name, state, priority, username, enqueue_date, kill_requested, "
                + "queue_position) VALUES ";
        Path one = work.resolve("instance.sql");
        Files.writeString(one, insert + row + ";\n");
        Path four = work.resolve("instance4.sql");
        Files.writeString(four, insert + String.join(", ", java.util.Collections.nCopies(4, row)) + ";\n");
        // As the node's own connections: the insert trigger leaves the notification to the node (changeset 6).
        String options = "-c jqm.notify=after-commit";
        figures.add("pg.instance.1", "JQM's instance rows alone, inserted one a commit, 1 client", "/s", true, "ceiling",
                pgbench(pgbench, db, one, 1, options));
        figures.add("pg.instance.4x1", "JQM's instance rows alone, inserted four a commit, 1 client", "/s", true, "ceiling",
                4 * pgbench(pgbench, db, four, 1, options));
        pg.exec(db, "DELETE FROM jqm_instance WHERE queue_name = 'ceiling'", "VACUUM ANALYZE jqm_instance");
    }

    private double pgbench(String pgbench, String db, Path script, int clients) throws Exception {
        return pgbench(pgbench, db, script, clients, null);
    }

    private double pgbench(String pgbench, String db, Path script, int clients, String options) throws Exception {
        // Prepared statements (-M prepared), as both engines use: parsed and planned once per connection.
        ProcessBuilder pb = new ProcessBuilder(pgbench, "-n", "-M", "prepared", "-c", Integer.toString(clients), "-j",
                Integer.toString(Math.min(2, clients)), "-T", quick ? "3" : "10", "-f",
                script.toString(), "-h", pg.host(), "-p", Integer.toString(pg.port()), "-U", pg.user, db);
        pb.environment().put("PGPASSWORD", pg.password);
        if (options != null) {
            pb.environment().put("PGOPTIONS", options);
        }
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed: " + out);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("tps = ([0-9.]+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no tps in pgbench's output: " + out);
        }
        log("pgbench " + script.getFileName() + ": " + m.group(1) + " tps");
        return Double.parseDouble(m.group(1));
    }

    // ---------------------------------------------------------------- JQM

    private JqmNode jqmNode(String db, String name) throws Exception {
        return start(new JqmNode(work, name, pg.url(db), pg.user, slots, pollMs, payloadJar));
    }

    /** Starts a node, or starts a stopped one again on its root, as an operator restarts a node. */
    private JqmNode start(JqmNode node) throws Exception {
        String opts = javaOpts;
        if (Boolean.getBoolean("bench.jfr")) {
            opts += " -XX:StartFlightRecording=settings=profile,filename=" + work.resolve(node.name + "-" + (++recordings) + ".jfr");
        }
        return node.start(repo, pg.password, opts);
    }

    private void jqmOneNode() throws Exception {
        String db = newDatabase();
        // The first start creates the schema and, as it stops, the node's class data archive (run/jqm); start-up is
        // measured on the restarts of that node, on its root.
        JqmNode node = jqmNode(db, "jqm-a");
        try (node) {
            node.awaitReady();
            node.credentials();
        }
        restarts(node, STARTS - 1);
        start(node);
        try (node) {
            startup(JQM, node.awaitReady());
            awaitQueue(db, "sink");
            idleTransactions(JQM, db);
            // Warm-up, not measured: the figures are those of a node that has been running a while.
            node.driver("op", "enqueue", "n", Integer.toString(size(4_000)), "threads", "4");
            node.driver("op", "enqueue", "n", Integer.toString(size(2_000)), "threads", "1");
            node.enqueueHttp(size(1_000), 4);
            checkAndClean(db, "SELECT count(*) FROM jqm_instance WHERE queue_name = 'sink'", size(7_000),
                    "DELETE FROM jqm_instance WHERE queue_name = 'sink'");
            drainJqm(db, "warmup", null);

            for (int threads : new int[] { 1, 4 }) {
                enqueueJqm(node, db, threads);
            }
            for (int clients : new int[] { 1, 4 }) {
                int n = size(clients == 1 ? 2_000 : 4_000);
                double ms = node.enqueueHttp(n, clients);
                figures.add("enqueue.http." + clients, "enqueue through the simple HTTP API, " + clients + " client(s)", "/s", true, JQM,
                        n * 1000.0 / ms);
                checkAndClean(db, "SELECT count(*) FROM jqm_instance WHERE queue_name = 'sink'", n, "DELETE FROM jqm_instance WHERE queue_name = 'sink'");
            }
            drainJqm(db, "drain.1", "drain of 20,000 waiting no-op jobs, one node of 8 slots");
            for (int rate : new int[] { 100, 500 }) {
                int seconds = quick ? 3 : 20;
                JsonNode r = JSON.readTree(node.driver("op", "steady", "rate", Integer.toString(rate), "seconds", Integer.toString(seconds)));
                long first = r.get("first").asLong();
                long last = r.get("last").asLong();
                int n = r.get("n").asInt();
                awaitCount(db, "SELECT count(*) FROM jqm_history WHERE job_name = 'NoOp' AND id BETWEEN " + first + " AND " + last, n, 300_000);
                try (Connection c = pg.connect(db); Statement s = c.createStatement();
                        ResultSet q = s.executeQuery("SELECT "
                                + "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM start_date - enqueue_date) * 1000), "
                                + "percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM start_date - enqueue_date) * 1000), "
                                + "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM end_date - enqueue_date) * 1000), "
                                + "percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM end_date - enqueue_date) * 1000) "
                                + "FROM jqm_history WHERE job_name = 'NoOp' AND id BETWEEN " + first + " AND " + last)) {
                    q.next();
                    latency(JQM, rate, q.getDouble(1), q.getDouble(2), q.getDouble(3), q.getDouble(4), r.get("late").asInt());
                }
            }
            idle(JQM, db, node.pid());
            // Last: the rows it writes and deletes, left to vacuum, slowed the drain and the latencies measured after it.
            instanceRowCeiling(db);
        }
        pg.drop(db);
    }

    private void jqmTwoNodes() throws Exception {
        String db = newDatabase();
        try (JqmNode a = jqmNode(db, "jqm-a")) {
            a.awaitReady();
            a.credentials();
            try (JqmNode b = jqmNode(db, "jqm-b")) {
                b.awaitReady();
                b.credentialsOf(a); // the administrator the first node of the cluster created
                awaitQueue(db, "sink");
                drainJqm(db, "warmup", null);
                drainJqm(db, "drain.2", "the same drain, two nodes of 8 slots each on one database");
                // After the drains: the rows these enqueues write and delete, left to vacuum, slowed the drains (to 5,400-7,400/s from 8,650-9,200).
                enqueueTwoJqm(db, a, b, null);
                enqueueTwoJqm(db, a, b, ENQUEUE_TWO);
            }
        }
        pg.drop(db);
    }

    /**
     * Starts measured in each repetition, for each engine, on a database whose schema is up to date: one
     * start varied by up to 0.8 s from one repetition to the next on this machine (2,215-3,047 ms for JQM
     * in one run), so that the median of three single starts swung across the 3 s target.
     */
    private static final int STARTS = 3;
    private static final String STARTUP = "start-up to accepting work (schema up to date)";

    private static final String ENQUEUE_TWO = "enqueue through the Java client, 4 threads on each of two nodes at once";

    /**
     * Both nodes enqueue at once, 4 threads each, as the application servers of a cluster do: the
     * enqueues of both over the time from the first start to the last end. label null: a warm-up.
     */
    private void enqueueTwoJqm(String db, JqmNode a, JqmNode b, String label) throws Exception {
        int n = label == null ? size(4_000) : enqueued(4);
        // Each node runs one JqmBench at a time (one slot on DEFAULT): the second one runs on the other node.
        List<JsonNode> r = together(() -> a.driver("op", "enqueue", "n", Integer.toString(n), "threads", "4"),
                () -> b.driver("op", "enqueue", "n", Integer.toString(n), "threads", "4"));
        try (Connection c = pg.connect(db)) {
            long nodes = pg.count(c, "SELECT count(DISTINCT node_name) FROM (SELECT node_name FROM jqm_history "
                    + "WHERE job_name = 'JqmBench' ORDER BY id DESC LIMIT 2) x");
            if (nodes != 2) {
                throw new IllegalStateException("both enqueue drivers ran on one node");
            }
        }
        checkAndClean(db, "SELECT count(*) FROM jqm_instance WHERE queue_name = 'sink'", 2 * n,
                "DELETE FROM jqm_instance WHERE queue_name = 'sink'");
        if (label != null) {
            figures.add("enqueue.java.4x2", label, "/s", true, JQM, 2 * n * 1000.0 / span(r));
        }
    }

    /** Runs both at once; @return their answers (JSON), each with its startMs and endMs */
    private static List<JsonNode> together(Callable<String> one, Callable<String> other) throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<String> f1 = two.submit(one);
            Future<String> f2 = two.submit(other);
            return List.of(JSON.readTree(f1.get()), JSON.readTree(f2.get()));
        } finally {
            two.shutdownNow();
        }
    }

    /** @return ms from the first start to the last end */
    private static double span(List<JsonNode> r) {
        return r.stream().mapToLong(j -> j.get("endMs").asLong()).max().getAsLong()
                - r.stream().mapToLong(j -> j.get("startMs").asLong()).min().getAsLong();
    }

    /** A drain; label null: a warm-up, not recorded. */
    private void drainJqm(String db, String key, String label) throws Exception {
        int n = size(20_000);
        long first = nextDrainId;
        nextDrainId += n + 1;
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO jqm_instance (id, job_name, queue_name, state, priority, enqueue_date, kill_requested, queue_position) "
                    + "SELECT " + first + " + g, 'NoOp', 'bench', 'SUBMITTED', 0, now(), false, g FROM generate_series(0, " + (n - 1) + ") g");
            c.commit();
        }
        long start = System.nanoTime();
        // Counting what is left, as for the peer (the same cost on both sides, shrinking as the drain goes).
        awaitCount(db, "SELECT " + n + " - count(*) FROM jqm_instance WHERE id >= " + first, n, 900_000);
        double ms = (System.nanoTime() - start) / 1_000_000.0;
        try (Connection c = pg.connect(db)) {
            long ended = pg.count(c, "SELECT count(*) FROM jqm_history WHERE state = 'ENDED' AND id BETWEEN " + first + " AND " + (first + n - 1));
            long left = pg.count(c, "SELECT count(*) FROM jqm_instance WHERE id >= " + first);
            if (ended != n || left != 0) {
                throw new IllegalStateException("drain: " + ended + " of " + n + " ENDED, " + left + " left");
            }
        }
        if (label != null) {
            figures.add(key, label, "/s", true, JQM, n * 1000.0 / ms);
        }
    }

    // ---------------------------------------------------------------- db-scheduler

    private Peer peer(String db, String name) throws Exception {
        return new Peer(jqm.bench.peer.DbSchedulerPeer.class, work, name, pg.url(db), pg.user, pg.password, slots, pollMs, poolSize, javaOpts);
    }

    private Peer jobRunr(String db) throws Exception {
        return new Peer(jqm.bench.peer.JobRunrPeer.class, work, "jobrunr-a", pg.url(db), pg.user, pg.password, slots, pollMs, poolSize, javaOpts);
    }

    /** Records one start of an engine (ms from its JVM's launch to accepting work). */
    private void startup(String engine, double ms) {
        figures.add("startup", STARTUP, "ms", false, engine, ms);
    }

    /** @return a peer's start-up, as it reports it once ready */
    private static double startupMs(Peer p) throws Exception {
        return JSON.readTree(p.awaitReady()).get("startupMs").asDouble();
    }

    private String peerDatabase() throws Exception {
        String db = newDatabase();
        // db-scheduler's PostgreSQL table, as its documentation gives it
        pg.exec(db, "CREATE TABLE scheduled_tasks (task_name text NOT NULL, task_instance text NOT NULL, task_data bytea, "
                + "execution_time timestamp with time zone NOT NULL, picked BOOLEAN NOT NULL, picked_by text, "
                + "last_success timestamp with time zone, last_failure timestamp with time zone, consecutive_failures INT, "
                + "last_heartbeat timestamp with time zone, version BIGINT NOT NULL, priority SMALLINT, PRIMARY KEY (task_name, task_instance))",
                "CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)",
                "CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)",
                "CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)");
        return db;
    }

    private void peerOneNode() throws Exception {
        String db = peerDatabase();
        peerStarts(db, STARTS - 1);
        try (Peer p = peer(db, "peer-a")) {
            startup(PEER, startupMs(p));
            idleTransactions(PEER, db);
            // Warm-up, not measured, as for JQM.
            p.command("enqueue " + size(4_000) + " 4");
            p.command("enqueue " + size(2_000) + " 1");
            checkAndClean(db, "SELECT count(*) FROM scheduled_tasks WHERE execution_time > now() + interval '1 hour'", size(6_000),
                    "DELETE FROM scheduled_tasks WHERE execution_time > now() + interval '1 hour'");
            drainPeer(db, "warmup", null, p);
            for (int threads : new int[] { 1, 4 }) {
                enqueuePeer(p, db, threads);
            }
            drainPeer(db, "drain.1", "drain of 20,000 waiting no-op jobs, one node of 8 slots", p);
            steadyLatencies(PEER, p);
            idle(PEER, db, p.pid());
        }
        pg.drop(db);
    }

    private void peerTwoNodes() throws Exception {
        String db = peerDatabase();
        try (Peer a = peer(db, "peer-a"); Peer b = peer(db, "peer-b")) {
            a.awaitReady();
            b.awaitReady();
            drainPeer(db, "warmup", null, a, b);
            drainPeer(db, "drain.2", "the same drain, two nodes of 8 slots each on one database", a, b);
            enqueueTwoPeer(db, a, b, null);
            enqueueTwoPeer(db, a, b, ENQUEUE_TWO);
        }
        pg.drop(db);
    }

    /** As {@link #enqueueTwoJqm}. */
    private void enqueueTwoPeer(String db, Peer a, Peer b, String label) throws Exception {
        int n = label == null ? size(4_000) : enqueued(4);
        List<JsonNode> r = together(() -> a.command("enqueue " + n + " 4"), () -> b.command("enqueue " + n + " 4"));
        checkAndClean(db, "SELECT count(*) FROM scheduled_tasks WHERE execution_time > now() + interval '1 hour'", 2 * n,
                "DELETE FROM scheduled_tasks WHERE execution_time > now() + interval '1 hour'");
        if (label != null) {
            figures.add("enqueue.java.4x2", label, "/s", true, PEER, 2 * n * 1000.0 / span(r));
        }
    }

    /** A drain; label null: a warm-up, not recorded. */
    private void drainPeer(String db, String key, String label, Peer... peers) throws Exception {
        int n = size(20_000);
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version) "
                    + "SELECT 'noop', 'd' || g, now(), false, 1 FROM generate_series(1, " + n + ") g");
        }
        long start = System.nanoTime();
        // Woken at once, as JQM's nodes are by the NOTIFY of the rows written (else it waits for its next poll).
        for (Peer p : peers) {
            p.command("wake");
        }
        awaitCount(db, "SELECT " + n + " - count(*) FROM scheduled_tasks WHERE task_instance LIKE 'd%'", n, 900_000);
        if (label != null) {
            figures.add(key, label, "/s", true, PEER, n * 1000.0 / ((System.nanoTime() - start) / 1_000_000.0));
        }
    }

    /** A peer's latencies under a steady load of 100 and 500 jobs/s (its {@code steady} command). */
    private void steadyLatencies(String engine, Peer p) throws Exception {
        for (int rate : new int[] { 100, 500 }) {
            int seconds = quick ? 3 : 20;
            JsonNode r = JSON.readTree(p.command("steady " + rate + " " + seconds));
            if (r.get("ran").asInt() != r.get("n").asInt()) {
                throw new IllegalStateException(engine + " ran " + r.get("ran") + " of " + r.get("n"));
            }
            latency(engine, rate, r.get("runningP50").asDouble(), r.get("runningP99").asDouble(), r.get("endedP50").asDouble(),
                    r.get("endedP99").asDouble(), r.get("late").asInt());
        }
    }

    // ---------------------------------------------------------------- JobRunr

    /**
     * The second peer on the one-node figures: JobRunr, its own tables created at its first start, the
     * same threads and pool; its polling interval is 5 s (it refuses less), and nothing wakes it.
     */
    private void jobRunrOneNode() throws Exception {
        String db = newDatabase();
        try (Peer p = jobRunr(db)) {
            p.awaitReady();
        }
        for (int i = 1; i < STARTS; i++) {
            try (Peer p = jobRunr(db)) {
                startup(JOBRUNR, startupMs(p));
            }
        }
        String scheduled = "SELECT count(*) FROM jobrunr_jobs WHERE state = 'SCHEDULED'";
        String unschedule = "DELETE FROM jobrunr_jobs WHERE state = 'SCHEDULED'";
        try (Peer p = jobRunr(db)) {
            // Its second start, as JQM's: its tables are there.
            startup(JOBRUNR, startupMs(p));
            idleTransactions(JOBRUNR, db);
            p.command("enqueue " + size(4_000) + " 4");
            p.command("enqueue " + size(2_000) + " 1");
            checkAndClean(db, scheduled, size(6_000), unschedule);
            drainJobRunr(db, "warmup", null, p);
            for (int threads : new int[] { 1, 4 }) {
                int n = enqueued(threads);
                enqueueRate(JOBRUNR, threads, n, JSON.readTree(p.command("enqueue " + n + " " + threads)));
                checkAndClean(db, scheduled, n, unschedule);
            }
            drainJobRunr(db, "drain.1", "drain of 20,000 waiting no-op jobs, one node of 8 slots", p);
            steadyLatencies(JOBRUNR, p);
            idle(JOBRUNR, db, p.pid());
        }
        pg.drop(db);
    }

    /** A drain: JobRunr's bulk enqueue of the jobs, processing paused, then timed from its resumption; label null: a warm-up. */
    private void drainJobRunr(String db, String key, String label, Peer p) throws Exception {
        int n = size(20_000);
        p.command("prepare " + n);
        long start = System.nanoTime();
        p.command("wake");
        String done = "SELECT count(*) FROM jobrunr_jobs WHERE jobsignature LIKE '%.drained(%' AND state = 'SUCCEEDED'";
        awaitCount(db, done, n, 900_000);
        if (label != null) {
            figures.add(key, label, "/s", true, JOBRUNR, n * 1000.0 / ((System.nanoTime() - start) / 1_000_000.0));
        }
        checkAndClean(db, done, n, "DELETE FROM jobrunr_jobs WHERE jobsignature LIKE '%.drained(%'");
    }

    // ---------------------------------------------------------------- shared

    private void latency(String engine, int rate, double runP50, double runP99, double endP50, double endP99, int late) {
        String at = " at " + rate + " jobs/s";
        figures.add("latency." + rate + ".running.p50", "enqueue to RUNNING, p50" + at, "ms", false, engine, runP50);
        figures.add("latency." + rate + ".running.p99", "enqueue to RUNNING, p99" + at, "ms", false, engine, runP99);
        figures.add("latency." + rate + ".ended.p50", "enqueue to ENDED, p50" + at, "ms", false, engine, endP50);
        figures.add("latency." + rate + ".ended.p99", "enqueue to ENDED, p99" + at, "ms", false, engine, endP99);
        if (late > 0) {
            log(engine + ": " + late + " enqueues more than one period late at " + rate + "/s (the load generator fell behind)");
        }
    }

    /**
     * With no work, after the other figures (a node that has been running, its code compiled): CPU
     * and memory over 20 s after 5 s of rest.
     */
    private void idle(String engine, String db, long pid) throws Exception {
        Thread.sleep(quick ? 1000 : 5000);
        double cpu = perSecond(quick ? 5 : 20, () -> Proc.cpuSeconds(pid)) * 100;
        figures.add("idle.cpu", "idle: CPU", "% of a core", false, engine, cpu);
        figures.add("idle.rss", "idle: resident memory", "MiB", false, engine, Proc.rssMiB(pid));
    }

    interface Counter {
        double read() throws Exception;
    }

    /** @return how much a counter grew per second over that many seconds */
    private static double perSecond(long seconds, Counter counter) throws Exception {
        double before = counter.read();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return (counter.read() - before) / elapsed;
    }

    /**
     * With no work, before any (later, PostgreSQL's autovacuum cleaning up after the runs counts in
     * the database's transactions): the engine's database transactions per second, over 15 s after 3 s.
     */
    private void idleTransactions(String engine, String db) throws Exception {
        Thread.sleep(quick ? 1000 : 3000);
        figures.add("idle.tx", "idle: database transactions", "/s", false, engine, perSecond(quick ? 5 : 15, () -> pg.transactions(db)));
    }

    private void awaitQueue(String db, String queue) throws Exception {
        awaitCount(db, "SELECT count(*) FROM jqm_queue WHERE name = '" + queue + "'", 1, 60_000);
    }

    private void awaitCount(String db, String sql, long n, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (Connection c = pg.connect(db)) {
            long now;
            while ((now = pg.count(c, sql)) < n) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(now + " of " + n + " after " + timeoutMs + " ms: " + sql);
                }
                Thread.sleep(20);
            }
        }
    }

    private void checkAndClean(String db, String countSql, long expected, String clean) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            long n = pg.count(c, countSql);
            if (n != expected) {
                throw new IllegalStateException(expected + " enqueued, " + n + " stored: " + countSql);
            }
            s.executeUpdate(clean);
        }
    }

    /** Every figure measured: by key, engine, one value a repetition. */
    static final class Figures {
        record Figure(String key, String label, String unit, boolean higherIsBetter, Map<String, List<Double>> values) {
        }

        final Map<String, Figure> byKey = new LinkedHashMap<>();

        void add(String key, String label, String unit, boolean higherIsBetter, String engine, double value) {
            byKey.computeIfAbsent(key, k -> new Figure(key, label, unit, higherIsBetter, new LinkedHashMap<>()))
                    .values().computeIfAbsent(engine, e -> new ArrayList<>()).add(value);
            log(engine + " " + key + " = " + String.format(java.util.Locale.ROOT, "%.2f", value) + " " + unit);
        }
    }
}
