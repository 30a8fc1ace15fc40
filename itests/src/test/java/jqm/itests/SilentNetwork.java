package jqm.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between the node and its database that can fall silent, as a network or a database
 * host does when it goes away without closing anything: while silent, it accepts connections and
 * bytes but forwards nothing either way. Speaking again, it drops the connections of the silence
 * (what was sent meanwhile never arrives) and relays new ones.
 */
final class SilentNetwork implements AutoCloseable {
    private final ServerSocket server;
    private final String host;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    /** The database's side of each connection (the rest of {@link #open} is the node's). */
    private final java.util.Set<Socket> dbSide = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Generations whose connections the network lost without telling the node: its side stays open, and mute. */
    private final java.util.Set<Integer> mute = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean silent;
    private volatile int generation;

    SilentNetwork(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "silent-network-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void fallSilent() {
        silent = true;
    }

    /** Ends a silence (nothing when the network is not silent: the connections made since the last one stay). */
    void speakAgain() throws IOException {
        if (!silent) {
            return;
        }
        generation++;
        for (Socket s : open) {
            s.close();
        }
        open.clear();
        silent = false;
    }

    /**
     * Ends a silence as a network that lost the connections without telling the node (what a firewall
     * or a host that went away does): the database's side of each is closed, the node's stays open,
     * and nothing ever comes on it; new connections are relayed.
     */
    void speakAgainLosingTheNodesConnections() throws IOException {
        if (!silent) {
            return;
        }
        mute.add(generation);
        generation++;
        for (Socket s : dbSide) {
            s.close();
        }
        dbSide.clear();
        silent = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket db = new Socket(host, port);
                open.add(client);
                open.add(db);
                dbSide.add(db);
                int g = generation;
                pump(client, db, client, g);
                pump(db, client, client, g);
            } catch (IOException e) {
                // closed, or the database refused: the client sees its connection fail
            }
        }
    }

    /**
     * Waits while the network is silent (nothing is read, so nothing is forwarded: the bytes wait in
     * the socket until it is dropped).
     *
     * @return whether the connection of generation {@code g} may go on (false: dropped by speakAgain)
     */
    private boolean speaking(int g) throws InterruptedException {
        while (silent && g == generation) {
            Thread.sleep(10);
        }
        return g == generation;
    }

    private void pump(Socket from, Socket to, Socket nodeSide, int g) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                // Not closed on the way out (closing a socket's stream closes the socket): the sockets are, below.
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (speaking(g)) {
                    int n = in.read(buffer);
                    // Read just as the network fell silent: held back until it speaks again, and then lost
                    // with the connection.
                    if (n < 0 || !speaking(g)) {
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // connection dropped
            } finally {
                for (Socket s : List.of(from, to)) {
                    try {
                        if (s != nodeSide || !mute.contains(g)) {
                            s.close();
                        }
                    } catch (IOException e) {
                        // already closed
                    }
                }
            }
        }, "silent-network-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
