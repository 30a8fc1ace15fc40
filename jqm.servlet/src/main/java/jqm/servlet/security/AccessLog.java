package jqm.servlet.security;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.HttpServletRequest;

/** One line a call: time, account, address, method, path, status, duration in ms. Owner-only file. */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

    private final Path file;
    private Writer out;

    AccessLog(Path file) {
        this.file = file;
    }

    synchronized void write(HttpServletRequest req, String account, int status) {
        String line = Instant.now() + " " + account + " " + req.getRemoteAddr() + " " + req.getMethod() + " "
                + clean(req.getRequestURI()) + " " + status + " " + JqmServletContext.elapsedMs(req) + "ms\n";
        try {
            if (out == null) {
                Files.createDirectories(file.getParent());
                if (!Files.exists(file)) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                }
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
            out.write(line);
            out.flush();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Cannot write the access log {}: {}", file, e.getMessage());
        }
    }

    private static String clean(String s) {
        return s == null ? "-" : s.replaceAll("[^\\x21-\\x7e]", "?");
    }

    synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("closing the access log", e);
            }
            out = null;
        }
    }
}
