/** Where a node keeps the files of its instances: log files, deliverables, work folders. */
package jqm.engine.files;
