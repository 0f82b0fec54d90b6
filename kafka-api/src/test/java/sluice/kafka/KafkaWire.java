package sluice.kafka;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A raw Kafka client for tests: one socket, requests built with kafka-clients' own builders and
 * framed here, responses read frame by frame and parsed with kafka-clients' own parser. It sends
 * exactly what it is told (a resend is the same bytes), which a {@code KafkaProducer} never lets a
 * test do.
 */
final class KafkaWire implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private int correlationId;

  KafkaWire(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  /** The header of the next request of {@code request}'s API at its version. */
  RequestHeader header(AbstractRequest request) {
    return new RequestHeader(request.apiKey(), request.version(), "kafka-wire", ++correlationId);
  }

  /** Sends {@code request} and returns its header, without reading an answer. */
  RequestHeader send(AbstractRequest request) throws IOException {
    RequestHeader header = header(request);
    sendFrame(request.serializeWithHeader(header));
    return header;
  }

  /** Sends one frame: the 4-byte length of {@code body}, then {@code body}. */
  void sendFrame(ByteBuffer body) throws IOException {
    byte[] bytes = new byte[body.remaining()];
    body.duplicate().get(bytes);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  /** Sends raw bytes as they are. */
  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads the next response frame (without its length). */
  ByteBuffer readFrame() throws IOException {
    int size = in.readInt();
    byte[] frame = new byte[size];
    in.readFully(frame);
    return ByteBuffer.wrap(frame);
  }

  /** Sends {@code request} and parses the answer, checking its correlation id. */
  @SuppressWarnings("unchecked")
  <R extends AbstractResponse> R call(AbstractRequest request) throws IOException {
    RequestHeader header = send(request);
    return (R) AbstractResponse.parseResponse(readFrame(), header);
  }

  /** Reads the answer to a request sent earlier with {@code header}. */
  @SuppressWarnings("unchecked")
  <R extends AbstractResponse> R read(RequestHeader header) throws IOException {
    return (R) AbstractResponse.parseResponse(readFrame(), header);
  }

  /**
   * Whether the broker closed the connection within {@code within}: a read meets the end of the
   * stream (or a reset) before the deadline. Fails if bytes arrive instead.
   */
  boolean closedWithin(Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    try {
      int b = in.read();
      if (b >= 0) {
        throw new AssertionError("The broker answered (byte " + b + ") instead of closing");
      }
      return true;
    } catch (EOFException | java.net.SocketException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
