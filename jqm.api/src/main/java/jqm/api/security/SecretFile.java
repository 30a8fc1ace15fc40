package jqm.api.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * A secret given by reference: a file holding it on its first line, which only the node's account
 * should be able to read. How every front end reads the {@code *.password.file} keys of its configuration.
 *
 * @param path the file, absolute
 */
public record SecretFile(Path path) {
    public SecretFile {
        path = path.toAbsolutePath().normalize();
    }

    /** @return the secret: the file's first line, trimmed (empty for an empty file) */
    public String read() throws IOException {
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        return lines.isEmpty() ? "" : lines.get(0).trim();
    }

    /** @return whether accounts other than the owner may read the file (to warn about it); false off POSIX file systems */
    public boolean readableByOthers() throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            return perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ);
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }
}
