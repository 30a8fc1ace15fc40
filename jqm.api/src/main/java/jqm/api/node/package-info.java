/** What a node tells about itself: the {@link jqm.api.node.NodeStatus} service, for health checks and monitoring. */
@Export
@Version("0.1.0")
package jqm.api.node;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
