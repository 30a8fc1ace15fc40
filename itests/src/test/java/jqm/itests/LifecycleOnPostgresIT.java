package jqm.itests;

import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Every test of {@link LifecycleIT}, on PostgreSQL. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LifecycleOnPostgresIT extends LifecycleIT {
    @Override
    protected Object[] database() throws Exception {
        return OnPostgres.database(context);
    }
}
