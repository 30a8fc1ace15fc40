package jqm.engine.console;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the same files an operator writes in {@code conf/} to declare queues and job definitions, so
 * that what is declared from the console is applied at once and survives restarts alike.
 */
final class Declarations {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]+");
    static final Set<String> QUEUE_KEYS = Set.of("max.concurrent", "polling.interval.ms", "description", "enabled", "name");
    static final Set<String> JOBDEF_KEYS = Set.of("command", "queue", "description", "max.run.time.seconds", "highlander",
            "application", "module", "keyword1", "keyword2", "keyword3", "name");

    private final Path conf;

    Declarations(Path conf) {
        this.conf = conf;
    }

    /** @return the file written, after merging the settings into what it held */
    Path write(String factoryPid, String name, Set<String> keys, String... settings) throws IOException {
        Path file = file(factoryPid, name);
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
        }
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Setting '" + s + "' is not of the form key=value");
            }
            String key = s.substring(0, eq);
            if (!keys.contains(key) && !(factoryPid.equals("jqm.jobdef") && key.startsWith("parameter.") && key.length() > 10)) {
                throw new IllegalArgumentException("Unknown setting '" + key + "'; settings are " + keys
                        + (factoryPid.equals("jqm.jobdef") ? " and parameter.NAME" : ""));
            }
            p.setProperty(key, s.substring(eq + 1));
        }
        Files.createDirectories(conf);
        Path tmp = Files.createTempFile(conf, "." + name, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "Written by the JQM console");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Deletes a declaration's file. */
    Path delete(String factoryPid, String name) throws IOException {
        Path file = file(factoryPid, name);
        if (!Files.deleteIfExists(file)) {
            throw new IllegalArgumentException("There is no " + file.getFileName() + " in " + conf);
        }
        return file;
    }

    private Path file(String factoryPid, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid name: letters, digits, '_' and '.' only");
        }
        return conf.resolve(factoryPid + "-" + name + ".cfg");
    }
}
