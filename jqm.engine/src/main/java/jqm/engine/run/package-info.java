/** Runs claimed job instances: finds their payload, calls it, and records how they ended. */
package jqm.engine.run;
