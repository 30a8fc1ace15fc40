package jqm.engine.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jqm.api.node.NodeStatus;

/**
 * Marks the class data archive this JVM writes as it exits ({@code -XX:ArchiveClassesAtExit=FILE},
 * given by {@code run/jqm} to a start without one) as that of a whole start: {@code FILE.ready},
 * created once the node polls. {@code run/jqm} uses an archive only with its mark, so that a start
 * refused by the installation check, or stopped before it was ready, leaves no archive of half a start
 * to be mapped by every later one.
 */
@Component(immediate = true)
public class ClassArchiveReady {
    private static final Logger LOG = LoggerFactory.getLogger(ClassArchiveReady.class);
    static final String OPTION = "-XX:ArchiveClassesAtExit=";

    @Activate
    public ClassArchiveReady(@Reference NodeStatus polling) {
        for (Path archive : new JvmOptions().paths(OPTION)) {
            Path mark = Paths.get(archive + ".ready");
            try {
                Files.deleteIfExists(mark);
                Files.createFile(mark);
            } catch (IOException e) {
                LOG.warn("Cannot mark the class data archive as that of a whole start ({}): the next start records it again", mark, e);
            }
        }
    }
}
