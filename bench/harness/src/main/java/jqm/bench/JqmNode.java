package jqm.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JQM node started with run/jqm, as an operator would, in a root of its own: queue {@code bench}
 * (the no-op work, {@code slots} at once), queue {@code sink} (not polled: what enqueue benchmarks
 * fill) and {@code DEFAULT} (one slot, for the JqmBench driver), the benchmark payload deployed.
 */
final class JqmNode implements AutoCloseable {
    final Path root;
    final Path log;
    final int port;
    final String name;
    private Process process;
    private int logFrom;
    private String auth;
    /** The other node of a cluster of two, if any. */
    private JqmNode other;

    JqmNode(Path parent, String name, String dbUrl, String dbUser, int slots, long pollMs, Path payloadJar) throws IOException {
        this.name = name;
        this.root = Files.createTempDirectory(parent, name + "-").resolve("jqm");
        this.log = root.getParent().resolve("node.log");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = Files.createDirectories(root.resolve("conf"));
        Files.writeString(conf.resolve("jqm.db.cfg"),
                "driver=org.postgresql.Driver\nurl=" + dbUrl + "\nuser=" + dbUser + "\npassword=${env:JQM_DB_PASSWORD}\npool.max.size=10\n");
        Files.writeString(conf.resolve("jqm.node.cfg"), "name=" + name + "\ndefault.slots=1\ndefault.polling.ms=" + pollMs + "\n");
        Files.writeString(conf.resolve("jqm.queue-bench.cfg"), "max.concurrent=" + slots + "\npolling.interval.ms=" + pollMs + "\n");
        Files.writeString(conf.resolve("jqm.queue-sink.cfg"), "max.concurrent=1\nenabled=false\n");
        Path payloads = Files.createDirectories(root.resolve("payloads"));
        Files.copy(payloadJar, payloads.resolve(payloadJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    JqmNode start(Path repo, String dbPassword, String javaOpts) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("run").resolve("jqm").toString());
        pb.environment().put("JQM_ROOT", root.toString());
        pb.environment().put("JQM_HTTP_PORT", Integer.toString(port));
        pb.environment().put("JQM_DB_PASSWORD", dbPassword);
        pb.environment().put("JQM_JAVA_OPTS", javaOpts);
        pb.redirectInput(new File("/dev/null"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // A restart of this node (its root kept) is read from where the previous start's output ends.
        logFrom = whole().length();
        process = pb.start();
        return this;
    }

    long pid() {
        return process.pid();
    }

    /** @return what the node printed since its last start */
    String output() throws IOException {
        String all = whole();
        return all.substring(Math.min(logFrom, all.length()));
    }

    private String whole() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    Matcher awaitLog(String regex, long timeoutMs) throws Exception {
        Pattern p = Pattern.compile(regex);
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = p.matcher(output());
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("node " + name + " exited before logging /" + regex + "/; see " + log);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("node " + name + " did not log /" + regex + "/ within " + timeoutMs + " ms; see " + log);
    }

    /** Waits until the node runs work and answers HTTP; @return ms from JVM launch to both (as the node logs them) */
    long awaitReady() throws Exception {
        long http = Long.parseLong(awaitLog("accepting HTTP requests at \\S+ \\((\\d+) ms after launch\\)", 120_000).group(1));
        long polling = Long.parseLong(awaitLog("polling \\d+ queue\\(s\\), (\\d+) ms after launch", 120_000).group(1));
        for (String job : List.of("NoOp", "NoOpSink", "JqmBench")) {
            awaitLog("Job definition " + job + " deployed", 120_000);
        }
        awaitLog("Polling queue bench ", 120_000);
        return Math.max(http, polling);
    }

    /** Uses the administrator password another node of the cluster created, and reads from it the logs of what it ran. */
    void credentialsOf(JqmNode first) throws IOException {
        auth = first.auth();
        other = first;
        first.other = this;
    }

    /** Reads the administrator password this node created (before it is stopped). */
    void credentials() throws IOException {
        auth();
    }

    private String auth() throws IOException {
        if (auth == null) {
            String password = Files.readString(root.resolve("initial-admin-password.txt")).trim();
            auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
        }
        return auth;
    }

    private HttpResponse<String> post(HttpClient http, String path, String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ws/simple/" + path)).header("Authorization", auth())
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(HttpClient http, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ws/simple/" + path)).header("Authorization", auth())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Enqueues n NoOpSink instances through the simple HTTP API from {@code clients} clients; @return elapsed ms */
    double enqueueHttp(int n, int clients) throws Exception {
        auth();
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                HttpClient http = HttpClient.newHttpClient();
                try {
                    while (next.getAndIncrement() < n) {
                        HttpResponse<String> r = post(http, "ji", "applicationname=NoOpSink");
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("enqueue answered " + r.statusCode() + ": " + r.body());
                        }
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return (System.nanoTime() - start) / 1_000_000.0;
    }

    /** Runs the JqmBench driver in the node with these parameters; @return the JSON line it printed */
    String driver(String... kv) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        StringBuilder form = new StringBuilder("applicationname=JqmBench");
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            names.append("&parameterNames=").append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8));
            values.append("&parameterValues=").append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = post(http, "ji", form.append(names).append(values).toString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("enqueue of JqmBench answered " + r.statusCode() + ": " + r.body());
        }
        String id = r.body().trim();
        long deadline = System.currentTimeMillis() + 600_000;
        String state;
        do {
            Thread.sleep(100);
            state = get(http, "status?id=" + id).body().trim();
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("JqmBench " + id + " still " + state + " after 10 min");
            }
        } while (!state.equals("ENDED") && !state.equals("CRASHED") && !state.equals("KILLED"));
        HttpResponse<String> log = get(http, "stdout?id=" + id);
        if (log.statusCode() != 200 && other != null) {
            log = other.get(http, "stdout?id=" + id); // run by the other node of the cluster, which keeps its log
        }
        String out = log.body().trim();
        if (!state.equals("ENDED")) {
            throw new IllegalStateException("JqmBench " + id + " " + state + ": " + out + " " + get(http, "stderr?id=" + id).body());
        }
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
