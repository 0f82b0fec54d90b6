package sluice.kafka;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Framing;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sluice.actors.gateway.Gateway;

/**
 * The Kafka-protocol listener: Akka Streams TCP on {@code sluice.kafka.host:port}. A connection is
 * a stream of frames, each a 4-byte big-endian length and that many bytes of request; a frame
 * announcing more than {@code socket.request.max.bytes} closes the connection (logged with the
 * client's address, the size and the limit) before any of it is buffered. Requests of one
 * connection are served up to {@code max-in-flight-per-connection} at a time and answered in
 * request order, as Kafka clients expect of pipelined requests ({@code mapAsync} keeps order).
 */
public final class KafkaListener {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaListener.class);

  private KafkaListener() {}

  /**
   * Binds the listener; the stage completes once it is bound, or fails naming the address. The
   * listener binds before the broker has started, so the broker can register the port actually
   * bound (with {@code sluice.kafka.port = 0} too); requests that arrive before {@code gateway}
   * completes wait for it.
   */
  public static CompletionStage<Tcp.ServerBinding> bind(
      ActorSystem<?> system,
      KafkaSettings settings,
      CompletionStage<ActorRef<Gateway.Command>> gateway) {
    CompletionStage<KafkaApis> apis =
        gateway.thenApply(
            ref -> new KafkaApis(new GatewayCalls(ref, system.scheduler()), settings));
    return Tcp.get(system)
        .bind(settings.host(), settings.port())
        .to(
            Sink.foreach(
                connection ->
                    connection.handleWith(
                        connectionFlow(apis, settings, connection.remoteAddress()), system)))
        .run(system)
        .whenComplete(
            (binding, failure) -> {
              if (failure == null) {
                LOG.info("Kafka listener bound to {}", binding.localAddress());
              }
            });
  }

  /** One connection: frames in, answers out, in order. */
  static Flow<ByteString, ByteString, NotUsed> connectionFlow(
      CompletionStage<KafkaApis> apis, KafkaSettings settings, InetSocketAddress client) {
    return Flow.of(ByteString.class)
        .via(
            Framing.lengthField(
                Integer.BYTES,
                0,
                settings.socketRequestMaxBytes() + Integer.BYTES,
                ByteOrder.BIG_ENDIAN))
        .map(frame -> frame.drop(Integer.BYTES))
        .mapAsync(settings.maxInFlight(), frame -> apis.thenCompose(ready -> ready.serve(frame)))
        .mapConcat(answer -> answer.map(List::of).orElse(List.of()))
        .watchTermination(
            (notUsed, done) -> {
              done.whenComplete(
                  (ok, failure) -> {
                    if (failure != null) {
                      logClose(client, settings, failure);
                    }
                  });
              return NotUsed.getInstance();
            });
  }

  private static void logClose(
      InetSocketAddress client, KafkaSettings settings, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof ConnectionClosed) {
      LOG.info("Closing the Kafka connection from {}: {}", client, cause.getMessage());
    } else if (cause instanceof akka.stream.scaladsl.Framing.FramingException) {
      LOG.warn(
          "Closing the Kafka connection from {}: {} (socket.request.max.bytes={}, plus the 4-byte"
              + " length)",
          client,
          cause.getMessage(),
          settings.socketRequestMaxBytes());
    } else {
      LOG.warn("Closing the Kafka connection from {}: {}", client, cause.toString());
    }
  }
}
