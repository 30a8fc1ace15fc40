package jqm.engine.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.engine.model.DeliverableFile;
import jqm.engine.node.LocalNode;
import jqm.engine.store.Store;

/**
 * The files of this node's instances: their log files ({@code logs/instances/ID.stdout.log} and
 * {@code .stderr.log}), their deliverables (under {@code files/}, by random id) and their work folders.
 * Everything is created readable and writable by the node's account only.
 */
@Component(service = InstanceFiles.class)
public class InstanceFiles {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceFiles.class);
    private static final Pattern RANDOM_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    /** Which standard stream of an instance a log file holds. */
    public enum Stream {
        STDOUT, STDERR
    }

    private final LocalNode node;
    private final Store store;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public InstanceFiles(@Reference LocalNode node, @Reference Store store) {
        this.node = node;
        this.store = store;
        try {
            Path mark = nodeMark(node.name());
            directories(mark.getParent());
            createOwnerOnly(mark);
        } catch (IOException e) {
            LOG.warn("Could not mark the logs root {} as this node's: {}", node.logsRoot(), e.getMessage());
        }
    }

    /**
     * The file that says a node writes its instances' logs under this node's logs root: present for
     * another node, the logs root is shared with it, so that a log file of its instances that is
     * missing here is one it never wrote (an instance that wrote nothing has no log file).
     */
    private Path nodeMark(String nodeName) {
        return node.logsRoot().resolve("nodes").resolve(nodeName);
    }

    /** @return whether the logs of the given node's instances are under this node's logs root too */
    public boolean sharesLogsWith(String nodeName) {
        return nodeName != null && Files.exists(nodeMark(nodeName));
    }

    /**
     * A log file of an instance's stream, for appending, created owner-only when first written to: an
     * instance that writes nothing costs no file (creating two files for each instance took a third
     * of a busy node's time).
     */
    public OutputStream lazyLog(long instanceId, Stream stream) {
        return new LazyOutputStream(() -> openLog(instanceId, stream));
    }

    /** An output stream that opens its target at the first byte written to it. */
    private static final class LazyOutputStream extends OutputStream {
        interface Opener {
            OutputStream open() throws IOException;
        }

        private final Opener opener;
        private OutputStream out;
        private boolean closed;

        LazyOutputStream(Opener opener) {
            this.opener = opener;
        }

        private OutputStream target() throws IOException {
            if (closed) {
                throw new IOException("Stream closed");
            }
            if (out == null) {
                try {
                    out = opener.open();
                } catch (IOException e) {
                    closed = true; // said once; what the instance writes next is lost
                    LOG.warn("An instance's output is lost: its log file could not be created: {}", e.toString());
                    throw e;
                }
            }
            return out;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            target().write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (len > 0) {
                target().write(b, off, len);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public synchronized void close() throws IOException {
            closed = true;
            if (out != null) {
                out.close();
            }
        }
    }

    /** @return whether the id has the form of a deliverable id (it says nothing of whether one has it) */
    public static boolean isRandomId(String id) {
        return id != null && RANDOM_ID.matcher(id).matches();
    }

    /** @return the log file of an instance's stream on this node (it may not exist) */
    public Path log(long instanceId, Stream stream) {
        return node.logsRoot().resolve("instances").resolve(instanceId + "." + stream.name().toLowerCase() + ".log");
    }

    /** Opens the log file of an instance's stream for appending, creating it owner-only. */
    public OutputStream openLog(long instanceId, Stream stream) throws IOException {
        Path file = log(instanceId, stream);
        directories(file.getParent());
        createOwnerOnly(file);
        return Files.newOutputStream(file, StandardOpenOption.APPEND);
    }

    /**
     * Moves a file into the files root as a deliverable of an instance, and records it.
     *
     * @return its new random id
     */
    public String storeDeliverable(long instanceId, Path file, String fileFamily) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            throw new IOException("Not a file: " + file);
        }
        String id = HexFormat.of().formatHex(bytes());
        Path relative = Path.of("deliverables", id.substring(0, 2), id);
        Path target = node.filesRoot().resolve(relative);
        directories(target.getParent());
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.copy(file, target);
            Files.delete(file);
        }
        ownerOnly(target, OWNER_FILE);
        long size = Files.size(target);
        try {
            store.addDeliverable(DeliverableFile.of(id, instanceId, fileFamily, file.getFileName().toString(),
                    relative.toString(), node.name(), size));
        } catch (RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        return id;
    }

    private byte[] bytes() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return b;
    }

    /**
     * @return the file of a deliverable, when it is in this node's files root: one it stored, or one
     *         any node stored when the nodes share their files root
     */
    public Optional<Path> deliverable(DeliverableFile d) {
        Path p = node.filesRoot().resolve(d.getRelativePath()).normalize();
        return p.startsWith(node.filesRoot()) && Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** @return the work folder of an instance, created owner-only */
    public Path workDirectory(long instanceId) throws IOException {
        Path dir = node.filesRoot().resolve("work").resolve(Long.toString(instanceId));
        directories(dir);
        return dir;
    }

    /** Deletes the work folder of an instance, if it made one. */
    public void deleteWorkDirectory(long instanceId) {
        Path dir = node.filesRoot().resolve("work").resolve(Long.toString(instanceId));
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    LOG.warn("Could not delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not delete the work folder {}: {}", dir, e.getMessage());
        }
    }

    private static void directories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, attribute(OWNER_DIR));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, attribute(OWNER_FILE));
        } catch (FileAlreadyExistsException e) {
            // appending to it
        } catch (UnsupportedOperationException e) {
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
        }
    }

    private static void ownerOnly(Path p, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, perms);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> perms) {
        return PosixFilePermissions.asFileAttribute(perms);
    }
}
