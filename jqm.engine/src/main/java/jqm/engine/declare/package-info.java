/**
 * What operators declare in configuration files: queues ({@code conf/jqm.queue-NAME.cfg}) and job
 * definitions ({@code conf/jqm.jobdef-NAME.cfg}), written to the cluster's database when the files change.
 */
package jqm.engine.declare;
