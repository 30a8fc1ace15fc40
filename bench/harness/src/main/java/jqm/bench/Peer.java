package jqm.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A peer in a JVM of its own (db-scheduler, {@link jqm.bench.peer.DbSchedulerPeer}; JobRunr,
 * {@link jqm.bench.peer.JobRunrPeer}), driven through its standard input.
 */
final class Peer implements AutoCloseable {
    private final Process process;
    private final PrintWriter commands;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;

    Peer(Class<?> main, Path parent, String name, String dbUrl, String dbUser, String dbPassword, int threads, long pollMs, int poolSize,
            String javaOpts) throws IOException {
        log = Files.createTempDirectory(parent, name + "-").resolve("peer.log");
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String o : javaOpts.split("\\s+")) {
            if (!o.isBlank()) {
                cmd.add(o);
            }
        }
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), main.getName(), dbUrl, dbUser,
                Integer.toString(threads), Long.toString(pollMs), Integer.toString(poolSize)));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PEER_DB_PASSWORD", dbPassword);
        pb.redirectError(log.toFile());
        process = pb.start();
        commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the peer ended
            }
        }, "peer-reader-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    long pid() {
        return process.pid();
    }

    /** @return the peer's READY line's JSON */
    String awaitReady() throws Exception {
        return await("READY ");
    }

    private String await(String prefix) throws Exception {
        long deadline = System.currentTimeMillis() + 600_000;
        while (System.currentTimeMillis() < deadline) {
            String l = lines.poll(1, TimeUnit.SECONDS);
            if (l != null && l.startsWith(prefix)) {
                return l.substring(prefix.length());
            }
            if (l == null && !process.isAlive()) {
                throw new IllegalStateException("the peer exited; see " + log);
            }
        }
        throw new IllegalStateException("the peer did not answer; see " + log);
    }

    /** @return the JSON of the command's RESULT line */
    String command(String line) throws Exception {
        commands.println(line);
        return await("RESULT ");
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            commands.println("quit");
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    File logFile() {
        return log.toFile();
    }
}
