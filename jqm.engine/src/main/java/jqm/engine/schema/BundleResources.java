package jqm.engine.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.List;

import liquibase.resource.AbstractResource;
import liquibase.resource.OpenOptions;
import liquibase.resource.Resource;
import liquibase.resource.ResourceAccessor;

/**
 * The changelog files, read from this bundle's class path. Liquibase's ClassLoaderResourceAccessor lists the roots
 * of a class path as files or zips, which a bundle's class loader ({@code bundle://} URLs) does not give.
 */
final class BundleResources implements ResourceAccessor {
    private final ClassLoader loader;

    BundleResources(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public List<Resource> search(String path, boolean recursive) {
        return List.of(); // the changelog names each file it includes
    }

    @Override
    public List<Resource> getAll(String path) throws IOException {
        String name = path.replace('\\', '/');
        while (name.startsWith("/")) {
            name = name.substring(1);
        }
        URL url = loader.getResource(name);
        if (url == null) {
            return null;
        }
        try {
            return List.of(new BundleResource(name, url));
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    @Override
    public List<String> describeLocations() {
        return List.of("bundle class path of jqm.engine");
    }

    @Override
    public void close() {
    }

    private final class BundleResource extends AbstractResource {
        private final URL url;

        BundleResource(String path, URL url) throws URISyntaxException {
            super(path, url.toURI());
            this.url = url;
        }

        @Override
        public InputStream openInputStream() throws IOException {
            return url.openStream();
        }

        @Override
        public boolean exists() {
            return true;
        }

        @Override
        public Resource resolve(String other) {
            return find(resolvePath(other));
        }

        @Override
        public Resource resolveSibling(String other) {
            return find(resolveSiblingPath(other));
        }

        private Resource find(String path) {
            try {
                return get(path);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean isWritable() {
            return false;
        }

        @Override
        public OutputStream openOutputStream(OpenOptions options) throws IOException {
            throw new IOException(getPath() + " is read-only");
        }
    }
}
