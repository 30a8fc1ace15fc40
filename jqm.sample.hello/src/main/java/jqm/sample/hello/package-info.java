/** The sample payload bundle: the job definition HelloWorld. */
package jqm.sample.hello;
