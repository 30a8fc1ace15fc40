package jqm.itests;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Every test of {@link JobDefinitionsIT}, on PostgreSQL. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JobDefinitionsOnPostgresIT extends JobDefinitionsIT {
    @Override
    protected Object[] database() throws Exception {
        return OnPostgres.database(context);
    }
}
