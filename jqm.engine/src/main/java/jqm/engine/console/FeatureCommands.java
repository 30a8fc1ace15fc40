package jqm.engine.console;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jqm.engine.features.OptionalBundles;

/** The {@code jqm:enable}, {@code jqm:disable} and {@code jqm:features} console commands. */
@Component(service = FeatureCommands.class)
@GogoCommand(scope = "jqm", function = { "enable", "disable", "features" })
public class FeatureCommands {
    private final OptionalBundles optional;

    @Activate
    public FeatureCommands(@Reference OptionalBundles optional) {
        this.optional = optional;
    }

    @Descriptor("Enables an optional bundle now and at every start (writes rest=true or jmx=true in conf/jqm.features.cfg)")
    public String enable(@Descriptor("rest (the full client API over HTTP) or jmx (remote JMX)") String feature) throws Exception {
        return optional.set(feature, true);
    }

    @Descriptor("Disables an optional bundle now and at every start: stops and uninstalls it")
    public String disable(@Descriptor("rest or jmx") String feature) throws Exception {
        return optional.set(feature, false);
    }

    @Descriptor("Lists the optional bundles and their state")
    public String features() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "FEATURE", "CHOICE", "BUNDLE", "VERSION", "JAR" });
        rows.addAll(optional.list());
        return Table.format(rows);
    }
}
