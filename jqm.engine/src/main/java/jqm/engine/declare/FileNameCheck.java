package jqm.engine.declare;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator when a file meant to declare a queue or a job definition is not read as one. Felix FileInstall 3.7
 * makes a factory configuration of {@code PID-NAME.cfg} only: {@code jqm.queue~NAME.cfg} becomes a
 * plain configuration that no component reads, which would otherwise go unnoticed.
 */
@Component(immediate = true)
public class FileNameCheck implements ConfigurationListener {
    private static final Logger LOG = LoggerFactory.getLogger(FileNameCheck.class);
    private static final Pattern TILDE = Pattern.compile("(jqm\\.queue|jqm\\.jobdef)~(.+)");

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() != ConfigurationEvent.CM_UPDATED || event.getFactoryPid() != null) {
            return;
        }
        Matcher m = TILDE.matcher(event.getPid());
        if (m.matches()) {
            LOG.error("Configuration {} is not read: name its file {}-{}.cfg (FileInstall reads '-', not '~', "
                    + "as the separator of a factory configuration's name)", event.getPid(), m.group(1), m.group(2));
        }
    }
}
