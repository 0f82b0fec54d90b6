package sluice.bench.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on 127.0.0.1 for a child process to bind: each is bound to port 0 and released.
 * Another process may take a port between release and use; the caller's start-up then fails with a
 * bind error naming it, and a rerun picks new ones. Thread-safe (stateless).
 */
public final class FreePorts {

  private FreePorts() {}

  /** {@code count} distinct free ports. */
  public static List<Integer> pick(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a free port on loopback", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // The port is released either way.
        }
      }
    }
  }
}
