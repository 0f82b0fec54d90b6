package sluice.bench.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One streamed produce: a single {@code POST} of the v3 produce endpoint with {@code
 * Transfer-Encoding: chunked}, over a plain socket so that records are written while delivery
 * reports are read back on the same connection. The caller's thread writes {@code records} records
 * in chunks of {@code recordsPerChunk}; a reader thread times each record from the moment its chunk
 * was written to the arrival of its report (record order). Flow control is TCP's: when the broker
 * stops reading, the writer blocks.
 *
 * <p>Not thread-safe: one instance per connection, used once.
 */
final class StreamedProduce {

  private final URI base;
  private final String path;
  private final RecordBodies bodies;
  private final int partition;
  private final int records;
  private final int recordsPerChunk;

  private final AtomicLongArray sentAt;
  private final Latencies latencies = new Latencies();
  private long ok;
  private long failed;
  private String firstError;
  private long maxOffset = -1;

  StreamedProduce(
      URI base, String path, RecordBodies bodies, int partition, int records, int recordsPerChunk) {
    this.base = base;
    this.path = path;
    this.bodies = bodies;
    this.partition = partition;
    this.records = records;
    this.recordsPerChunk = recordsPerChunk;
    this.sentAt = new AtomicLongArray(records);
  }

  /** Runs the stream to its end; safe to read the results after it returns. */
  void run() throws IOException {
    int port = base.getPort() < 0 ? 80 : base.getPort();
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(base.getHost(), port), 10_000);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      AtomicReference<Throwable> readError = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  readAnswer(in);
                } catch (Throwable t) {
                  readError.set(t);
                }
              },
              "stream-reports-" + partition);
      reader.setDaemon(true);
      out.write(head(port).getBytes(StandardCharsets.US_ASCII));
      reader.start();
      try {
        for (int first = 0; first < records && reader.isAlive(); first += recordsPerChunk) {
          int n = Math.min(recordsPerChunk, records - first);
          byte[] chunk = bodies.records(partition, first, n);
          long now = System.nanoTime();
          for (int i = first; i < first + n; i++) {
            sentAt.set(i, now);
          }
          out.write(Integer.toHexString(chunk.length).getBytes(StandardCharsets.US_ASCII));
          out.write('\r');
          out.write('\n');
          out.write(chunk);
          out.write('\r');
          out.write('\n');
          out.flush();
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        if (readError.get() == null) {
          readError.set(e);
        }
      }
      try {
        reader.join(120_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for delivery reports", e);
      }
      if (reader.isAlive()) {
        throw new IOException("delivery reports did not end within 120 s after the last record");
      }
      if (readError.get() != null && ok + failed < records) {
        Throwable t = readError.get();
        if (firstError == null) {
          firstError = t.toString();
        }
      }
      failed += Math.max(0, records - ok - failed);
    }
  }

  private String head(int port) {
    return String.format(
        Locale.ROOT,
        "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/x-ndjson\r\n"
            + "Accept: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        base.resolve(path).getRawPath() + "?" + base.resolve(path).getRawQuery(),
        base.getHost(),
        port);
  }

  private void readAnswer(InputStream in) throws IOException {
    String status = HttpLines.readLine(in);
    String[] parts = status.split(" ", 3);
    boolean chunked = false;
    long contentLength = -1;
    for (String line = HttpLines.readLine(in); !line.isEmpty(); line = HttpLines.readLine(in)) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      } else if (name.equals("content-length")) {
        contentLength = Long.parseLong(value);
      }
    }
    InputStream body =
        chunked
            ? new ChunkedInputStream(in)
            : contentLength >= 0 ? new BoundedInputStream(in, contentLength) : in;
    if (parts.length < 2 || !parts[1].equals("200")) {
      throw new IOException(
          "streamed produce answered '" + status + "': " + HttpLines.readRest(body, 2000));
    }
    DeliveryReports.read(
        body,
        (success, reportPartition, offset, message) -> {
          long index = ok + failed;
          if (index < records) {
            latencies.record(System.nanoTime() - sentAt.get((int) index));
          }
          if (success) {
            ok++;
            maxOffset = Math.max(maxOffset, offset);
          } else {
            failed++;
            if (firstError == null) {
              firstError = message;
            }
          }
        });
  }

  long ok() {
    return ok;
  }

  long failed() {
    return failed;
  }

  String firstError() {
    return firstError;
  }

  long maxOffset() {
    return maxOffset;
  }

  Latencies latencies() {
    return latencies;
  }

  /** An input stream that ends after {@code limit} bytes. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int c = in.read();
      if (c >= 0) {
        left--;
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
