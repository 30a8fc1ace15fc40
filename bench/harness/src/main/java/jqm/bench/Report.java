package jqm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes RESULTS.md (for people) and results.json (for tools): medians, ratios to the peer, targets. */
final class Report {
    private Report() {
    }

    static Map<String, Object> machine(Pg pg) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", java.time.Instant.now().toString());
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?"));
        m.put("memoryGiB", Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> Math.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0)).findFirst().orElse(0L));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("postgresql", pg.text("SELECT version()"));
        m.put("synchronous_commit", pg.text("SHOW synchronous_commit"));
        m.put("max_connections", pg.text("SHOW max_connections"));
        m.put("shared_buffers", pg.text("SHOW shared_buffers"));
        return m;
    }

    static double median(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String f(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v != 0 && Math.abs(v) < 0.01) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private record Target(String key, String what, double bound, boolean ratio, boolean atLeast) {
    }

    private static final List<Target> TARGETS = List.of(
            new Target("drain.1", "drain rate at least the peer's", 1.0, true, true),
            new Target("enqueue.java.1", "enqueue through the Java client (1 thread) at least 1.5x the peer's", 1.5, true, true),
            new Target("enqueue.java.4", "enqueue through the Java client (4 threads) at least 1.5x the peer's", 1.5, true, true),
            new Target("latency.100.running.p50", "enqueue to RUNNING p50 under 10 ms at 100 jobs/s", 10, false, false),
            new Target("latency.100.running.p99", "enqueue to RUNNING p99 under 50 ms at 100 jobs/s", 50, false, false),
            new Target("idle.cpu", "idle node under 1% of a core", 1, false, false),
            new Target("startup", "start-up to accepting work under 3 s", 3000, false, false));

    static void write(Path dir, Map<String, Object> machine, Map<String, Object> settings, Bench.Figures figures, ObjectMapper json)
            throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        root.put("settings", settings);
        List<Map<String, Object>> list = new ArrayList<>();
        Map<String, Double> jqmMedian = new LinkedHashMap<>();
        Map<String, Double> peerMedian = new LinkedHashMap<>();
        Map<String, Double> jobRunrMedian = new LinkedHashMap<>();
        for (Bench.Figures.Figure fig : figures.byKey.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("key", fig.key());
            e.put("label", fig.label());
            e.put("unit", fig.unit());
            e.put("higherIsBetter", fig.higherIsBetter());
            e.put("values", fig.values());
            double j = median(fig.values().get(Bench.JQM));
            double p = median(fig.values().get(Bench.PEER));
            jqmMedian.put(fig.key(), j);
            peerMedian.put(fig.key(), p);
            double r = median(fig.values().get(Bench.JOBRUNR));
            Map<String, Double> medians = new LinkedHashMap<>();
            medians.put(Bench.JQM, j);
            medians.put(Bench.PEER, p);
            if (!Double.isNaN(r)) {
                medians.put(Bench.JOBRUNR, r);
                jobRunrMedian.put(fig.key(), r);
            }
            e.put("median", medians);
            if (!Double.isNaN(j) && !Double.isNaN(p) && p != 0) {
                e.put("ratioToPeer", j / p);
            }
            if (!Double.isNaN(j) && !Double.isNaN(r) && r != 0) {
                e.put("ratioToJobRunr", j / r);
            }
            list.add(e);
        }
        root.put("figures", list);

        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Written by `bench/run` (do not edit: the next run replaces this file; notes go in `bench/NOTES.md`, copied below).\n");
        md.append("JQM against [db-scheduler](https://github.com/kagkarlsson/db-scheduler) ").append("on the same PostgreSQL, alternating ")
                .append("run by run, the same work, worker threads, connection pool size and polling interval on both sides. ")
                .append("Each figure is the median of the repetitions; every value is in `results.json`.\n\n");
        md.append("## Machine and settings\n\n| | |\n| --- | --- |\n");
        machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        settings.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n## Figures\n\n");
        md.append("`× peer` is JQM's median divided by db-scheduler's: above 1 is better where higher is better (rates), ")
                .append("below 1 where lower is better (times, costs).\n\n");
        md.append("| figure | unit | better | JQM | db-scheduler | × peer | JQM values | db-scheduler values |\n");
        md.append("| --- | --- | --- | ---: | ---: | ---: | --- | --- |\n");
        for (Bench.Figures.Figure fig : figures.byKey.values()) {
            if (fig.values().containsKey("ceiling")) {
                continue;
            }
            double j = jqmMedian.get(fig.key());
            double p = peerMedian.get(fig.key());
            md.append("| ").append(fig.label()).append(" | ").append(fig.unit()).append(" | ").append(fig.higherIsBetter() ? "higher" : "lower")
                    .append(" | ").append(f(j)).append(" | ").append(f(p)).append(" | ")
                    .append(Double.isNaN(j) || Double.isNaN(p) || p == 0 ? "-" : f(j / p)).append(" | ")
                    .append(values(fig.values().get(Bench.JQM))).append(" | ").append(values(fig.values().get(Bench.PEER))).append(" |\n");
        }
        if (!jobRunrMedian.isEmpty()) {
            md.append("\n## Second peer: JobRunr (one node)\n\n")
                    .append("[JobRunr](https://www.jobrunr.io/) in the same repetitions, on a database of its own, with the same threads and ")
                    .append("pool; its polling interval is 5 s (it refuses less) and nothing wakes it, so its latencies are those of its ")
                    .append("polling. `× JobRunr` is JQM's median divided by JobRunr's.\n\n")
                    .append("| figure | unit | better | JQM | JobRunr | × JobRunr | JobRunr values |\n| --- | --- | --- | ---: | ---: | ---: | --- |\n");
            for (Bench.Figures.Figure fig : figures.byKey.values()) {
                Double r = jobRunrMedian.get(fig.key());
                if (r == null) {
                    continue;
                }
                double j = jqmMedian.get(fig.key());
                md.append("| ").append(fig.label()).append(" | ").append(fig.unit()).append(" | ").append(fig.higherIsBetter() ? "higher" : "lower")
                        .append(" | ").append(f(j)).append(" | ").append(f(r)).append(" | ").append(Double.isNaN(j) || r == 0 ? "-" : f(j / r))
                        .append(" | ").append(values(fig.values().get(Bench.JOBRUNR))).append(" |\n");
            }
        }
        md.append("\n## PostgreSQL ceiling (pgbench, same run, same server)\n\n| what | median | values |\n| --- | ---: | --- |\n");
        for (Bench.Figures.Figure fig : figures.byKey.values()) {
            if (fig.values().containsKey("ceiling")) {
                md.append("| ").append(fig.label()).append(" | ").append(f(median(fig.values().get("ceiling")))).append(" | ")
                        .append(values(fig.values().get("ceiling"))).append(" |\n");
            }
        }
        double claim = figures.byKey.containsKey("pg.claimFinish") ? median(figures.byKey.get("pg.claimFinish").values().get("ceiling")) : Double.NaN;
        double insert = figures.byKey.containsKey("pg.insert") ? median(figures.byKey.get("pg.insert").values().get("ceiling")) : Double.NaN;
        md.append("\nAs a fraction of what the database allows: ");
        for (String k : List.of("drain.1", "drain.2")) {
            md.append(k).append(" JQM ").append(pct(jqmMedian.get(k), claim)).append(", db-scheduler ").append(pct(peerMedian.get(k), claim))
                    .append(" of the claim-and-finish ceiling; ");
        }
        for (String k : List.of("enqueue.java.1", "enqueue.java.4")) {
            md.append(k).append(" JQM ").append(pct(jqmMedian.get(k), insert)).append(", db-scheduler ").append(pct(peerMedian.get(k), insert))
                    .append(" of the insert ceiling; ");
        }
        md.append("\n\nThe enqueue targets against what PostgreSQL allows callers that each wait for their commit: a bare single-row "
                + "insert into a table of three columns, cheaper than either engine's enqueue; JQM's instance row alone into its table, "
                + "less than JQM's enqueue writes (no check, no parameter):\n\n"
                + "| figure | ceiling | JQM | db-scheduler | 1.5 × db-scheduler |\n| --- | --- | ---: | ---: | ---: |\n");
        for (String[] c : new String[][] { { "enqueue.java.1", "pg.insert.1" }, { "enqueue.java.1", "pg.instance.1" },
                { "enqueue.java.4", "pg.insert.4" }, { "enqueue.java.4", "pg.insert.4x1" }, { "enqueue.java.4", "pg.instance.4x1" } }) {
            if (!figures.byKey.containsKey(c[1]) || !jqmMedian.containsKey(c[0])) {
                continue;
            }
            double ceiling = median(figures.byKey.get(c[1]).values().get("ceiling"));
            Double peer = peerMedian.get(c[0]);
            md.append("| ").append(c[0]).append(" | ").append(figures.byKey.get(c[1]).label()).append(": ").append(f(ceiling)).append(" | ")
                    .append(pct(jqmMedian.get(c[0]), ceiling)).append(" | ").append(pct(peer, ceiling)).append(" | ")
                    .append(pct(peer == null ? null : 1.5 * peer, ceiling)).append(" |\n");
        }
        md.append("\n\n## Targets\n\n| target | figure | met |\n| --- | ---: | --- |\n");
        List<Map<String, Object>> targets = new ArrayList<>();
        for (Target t : TARGETS) {
            Double j = jqmMedian.get(t.key());
            Double p = peerMedian.get(t.key());
            if (j == null) {
                continue;
            }
            double v = t.ratio() ? j / p : j;
            boolean met = t.atLeast() ? v >= t.bound() : v < t.bound();
            md.append("| ").append(t.what()).append(" | ").append(f(v)).append(t.ratio() ? " × peer" : "").append(" | ")
                    .append(met ? "yes" : "**no**").append(" |\n");
            targets.add(Map.of("target", t.what(), "value", v, "met", met));
        }
        root.put("targets", targets);
        Path notes = dir.resolve("NOTES.md");
        if (Files.exists(notes)) {
            md.append("\n").append(Files.readString(notes));
        }
        Files.writeString(dir.resolve("RESULTS.md"), md.toString());
        json.writeValue(dir.resolve("results.json").toFile(), root);
    }

    private static String pct(Double v, double of) {
        return v == null || Double.isNaN(of) || Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", v / of * 100);
    }

    private static String values(List<Double> v) {
        if (v == null) {
            return "n/a";
        }
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.length() == 0 ? "" : ", ").append(f(d));
        }
        return b.toString();
    }
}
