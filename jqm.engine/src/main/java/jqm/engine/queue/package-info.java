/** Queues declared by operators in configuration files ({@code conf/jqm.queue~NAME.cfg}). */
package jqm.engine.queue;
