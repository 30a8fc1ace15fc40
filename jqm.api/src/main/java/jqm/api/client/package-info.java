/**
 * The client side of JQM: the {@link jqm.api.client.JqmClient} service that enqueues job requests
 * and reads job instances, with its data types and exceptions.
 */
@Export
@Version("0.3.0")
package jqm.api.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
