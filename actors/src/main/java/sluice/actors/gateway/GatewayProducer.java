package sluice.actors.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import sluice.actors.api.Acks;
import sluice.actors.api.InitProducerIdReply;
import sluice.actors.api.ProducerIdAndEpoch;
import sluice.actors.gateway.PartitionLeaders.Appended;
import sluice.actors.producer.ProducerIdManager;

/**
 * The gateway as an idempotent producer: one {@link PartitionSequencer} per partition it writes to,
 * each with a producer id of its own from this broker's producer-id manager, so a resent batch is
 * stored once and batches keep their order across resends. Requests with acks=0 are not answered
 * and go around it (as a Kafka producer with acks=0 is not idempotent); so do requests of a client
 * that numbers its own batches ({@code IdempotentProduce}). Thread-safe.
 */
final class GatewayProducer {
  private final PartitionLeaders leaders;
  private final Supplier<CompletionStage<ProducerIdAndEpoch>> producerIds;
  private final Clock clock;
  private final Pauses pauses;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final Duration askMargin;
  private final Map<String, PartitionSequencer> sequencers = new ConcurrentHashMap<>();

  GatewayProducer(
      PartitionLeaders leaders,
      Supplier<CompletionStage<ProducerIdAndEpoch>> producerIds,
      Gateway.Settings settings,
      Clock clock,
      Pauses pauses) {
    this.leaders = leaders;
    this.producerIds = producerIds;
    this.clock = clock;
    this.pauses = pauses;
    this.backoff = settings.retryBackoff();
    this.maxBackoff = settings.retryMaxBackoff();
    this.askMargin = settings.leaderAskMargin();
  }

  /**
   * Sends a planned batch of {@code records} records to {@code topic-partition} after the batches
   * sent there before it, until it is answered or {@code deadlineMillis} passes.
   */
  CompletionStage<Appended> append(
      String topic,
      int partition,
      byte[] batch,
      int records,
      Acks acks,
      long timeoutMs,
      long deadlineMillis) {
    return sequencers
        .computeIfAbsent(topic + "-" + partition, name -> sequencer(topic, partition, name))
        .append(batch, records, acks, timeoutMs, deadlineMillis);
  }

  private PartitionSequencer sequencer(String topic, int partition, String name) {
    return new PartitionSequencer(
        name,
        (bytes, acks, timeoutMs) ->
            leaders.append(
                topic,
                partition,
                bytes,
                acks,
                timeoutMs,
                Duration.ofMillis(timeoutMs).plus(askMargin)),
        producerIds,
        clock,
        pauses,
        backoff,
        maxBackoff);
  }

  /** A new producer id for one of the gateway's partition producers, from this broker. */
  static CompletionStage<ProducerIdAndEpoch> askProducerId(
      ActorRef<ProducerIdManager.Command> producerIds,
      Gateway.Settings settings,
      Scheduler scheduler) {
    Duration timeout = settings.leaderAskMargin().plusSeconds(5);
    return AskPattern.<ProducerIdManager.Command, InitProducerIdReply>ask(
            producerIds,
            replyTo ->
                new ProducerIdManager.InitProducerId(null, null, timeout.toMillis(), replyTo),
            timeout.plus(settings.leaderAskMargin()),
            scheduler)
        .thenApply(
            reply -> {
              if (reply.error() != null) {
                throw new IllegalStateException(reply.error().message());
              }
              return reply.producer();
            });
  }
}
