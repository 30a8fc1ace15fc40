/**
 * What a payload implements ({@link jqm.api.payload.JobPayload}) and what it sees while it runs
 * ({@link jqm.api.payload.JobContext}).
 */
@Export
@Version("0.2.0")
package jqm.api.payload;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
