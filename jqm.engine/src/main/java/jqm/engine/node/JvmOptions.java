package jqm.engine.node;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The options this JVM was launched with, as the operating system reports them. */
final class JvmOptions {
    private final String[] args = ProcessHandle.current().info().arguments().orElse(new String[0]);

    /** @return the paths given as {@code PREFIXpath} (e.g. {@code -XX:SharedArchiveFile=}), absolute */
    List<Path> paths(String prefix) {
        List<Path> paths = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith(prefix) && arg.length() > prefix.length()) {
                paths.add(Paths.get(arg.substring(prefix.length())).toAbsolutePath());
            }
        }
        return paths;
    }

    /** @return the jar of {@code -jar}, absolute */
    Optional<Path> jar() {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("-jar")) {
                return Optional.of(Paths.get(args[i + 1]).toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
