package jqm.api.payload;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The code of a job definition, registered as an OSGi service by a payload bundle.
 *
 * <p>A payload bundle registers this service with the service property {@value #JOBDEF} naming the
 * job definition (JQM's "application name") it implements. As soon as such a service is registered
 * the node knows the job definition and creates it in the database if needed; requests for it can
 * then be enqueued.
 *
 * <p>Threading: {@link #run(JobContext)} is called once per job instance, on a thread the engine
 * owns for that instance only. Instances of the same job definition may run concurrently. The
 * engine obtains the service through {@link org.osgi.framework.ServiceObjects}, so a payload that
 * keeps state per run should register with prototype scope (DS:
 * {@code @Component(scope = ServiceScope.PROTOTYPE)}); a singleton service must be thread-safe.
 */
@ConsumerType
public interface JobPayload {

    /** The service property naming the job definition this payload implements (a non-empty string). */
    String JOBDEF = "jqm.jobdef";

    /** Optional service property: a one-line description of the job definition, shown to operators. */
    String DESCRIPTION = "jqm.jobdef.description";

    /** Optional service property: the queue instances wait in when a request names none (default {@code DEFAULT}). */
    String QUEUE = "jqm.jobdef.queue";

    /**
     * Optional service property: the run time in seconds (an Integer or a String) after which an
     * instance is killed. None by default.
     */
    String MAX_RUN_TIME_SECONDS = "jqm.jobdef.maxRunTimeSeconds";

    /**
     * Optional service property: {@code true} (a Boolean or a String) makes the job definition a
     * highlander: a request made while an instance waits gets that instance's id, and at most one
     * instance runs at a time in the cluster.
     */
    String HIGHLANDER = "jqm.jobdef.highlander";

    /**
     * Prefix of optional service properties giving default parameters: {@code jqm.jobdef.parameter.month=current}
     * makes {@code month} a parameter of every instance whose request does not give it.
     */
    String PARAMETER_PREFIX = "jqm.jobdef.parameter.";

    /**
     * Optional service property: names of parameters whose values are never shown in API answers,
     * the console or logs (comma separated). Names that say password, secret or token are masked anyway.
     * The payload itself gets the real values.
     */
    String SECRET_PARAMETERS = "jqm.jobdef.secretParameters";

    /**
     * Runs one job instance.
     *
     * <p>Returning normally ends the instance in state {@code ENDED}. Throwing anything ends it in
     * state {@code CRASHED}, with the exception's class and message recorded as the reason in the
     * instance's history.
     *
     * @param context the running instance: its id, parameters, progress and messages; valid only
     *        during this call
     * @throws Exception any failure of the job
     */
    void run(JobContext context) throws Exception;
}
