package sluice.bench.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes an HTTP/1.1 chunked body ({@code <hex size>[;ext]CRLF <data> CRLF ... 0 CRLF [trailers]
 * CRLF}) from {@code in}, returning end-of-stream after the last chunk. Not thread-safe.
 */
final class ChunkedInputStream extends InputStream {

  private final InputStream in;
  private long remainingInChunk;
  private boolean done;

  ChunkedInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (done) {
      return -1;
    }
    if (remainingInChunk == 0) {
      remainingInChunk = nextChunkSize();
      if (remainingInChunk == 0) {
        while (!HttpLines.readLine(in).isEmpty()) {
          // Trailers: none expected, all ignored.
        }
        done = true;
        return -1;
      }
    }
    int n = in.read(b, off, (int) Math.min(len, remainingInChunk));
    if (n < 0) {
      throw new EOFException("the connection closed inside a chunk");
    }
    remainingInChunk -= n;
    if (remainingInChunk == 0) {
      String crlf = HttpLines.readLine(in);
      if (!crlf.isEmpty()) {
        throw new IOException("a chunk is not followed by CRLF but by '" + crlf + "'");
      }
    }
    return n;
  }

  private long nextChunkSize() throws IOException {
    String line = HttpLines.readLine(in);
    int semicolon = line.indexOf(';');
    String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
    try {
      return Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new IOException("bad chunk size line '" + line + "'", e);
    }
  }
}
