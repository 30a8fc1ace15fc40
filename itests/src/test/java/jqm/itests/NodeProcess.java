package jqm.itests;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node started with run/jqm as an operator would, in a root of its own, outside the test's JVM. */
final class NodeProcess implements AutoCloseable {
    static final long TIMEOUT_MS = 60_000;

    final Path root;
    final Path log;
    final int port;
    private Process process;

    /** A new node root under target/, its configuration files written from {@code conf} (file name -> content). */
    NodeProcess(String name, Map<String, String> conf) throws IOException {
        Path target = Paths.get(System.getProperty("jqm.it.target"));
        root = Files.createTempDirectory(target, "node-root-" + name + "-").resolve("jqm");
        log = root.getParent().resolve("node.log");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(root.resolve("conf"));
        for (Map.Entry<String, String> f : conf.entrySet()) {
            Files.writeString(root.resolve("conf").resolve(f.getKey()), f.getValue());
        }
    }

    NodeProcess start(Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", Paths.get(System.getProperty("jqm.it.repo"), "run", "jqm").toString());
        pb.environment().put("JQM_ROOT", root.toString());
        pb.environment().put("JQM_HTTP_PORT", Integer.toString(port));
        pb.environment().putAll(env);
        pb.redirectInput(new File("/dev/null"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        return this;
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Waits for a line of the node's output matching the pattern. */
    Matcher awaitLog(String regex) throws Exception {
        return awaitLog(regex, TIMEOUT_MS);
    }

    /** Waits up to timeoutMs for a line of the node's output matching the pattern. */
    Matcher awaitLog(String regex, long timeoutMs) throws Exception {
        Pattern p = Pattern.compile(regex);
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = p.matcher(output());
            if (m.find()) {
                return m;
            }
            assertTrue("the node exited with " + (process.isAlive() ? 0 : process.exitValue()) + " before logging /" + regex
                    + "/:\n" + output(), process.isAlive());
            Thread.sleep(100);
        }
        fail("the node did not log /" + regex + "/ within " + timeoutMs + " ms:\n" + output());
        return null;
    }

    /** Kills the node's JVM at once, as kill -9 does (run/jqm execs java: the process is the JVM). */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
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
