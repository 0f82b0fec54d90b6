package sluice.bench.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads CRLF-terminated lines of an HTTP/1.1 head or chunk framing. Stateless; thread-safe. */
final class HttpLines {

  private static final int MAX_LINE = 16 * 1024;

  private HttpLines() {}

  /** The next line without its CRLF (a bare LF is accepted too). */
  static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("the connection closed in the middle of a line: '" + line + "'");
      }
      if (c == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new IOException("an HTTP line is longer than " + MAX_LINE + " bytes");
      }
      line.append((char) c);
    }
  }

  /** Reads everything left in {@code in} as UTF-8, at most {@code max} bytes. */
  static String readRest(InputStream in, int max) throws IOException {
    return new String(in.readNBytes(max), StandardCharsets.UTF_8);
  }
}
