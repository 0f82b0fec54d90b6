package sluice.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import akka.japi.function.Function;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import sluice.actors.api.ConsumedRecord;
import sluice.actors.consumer.InstanceCommand;
import sluice.actors.consumer.InstanceCommand.Failure;
import sluice.actors.consumer.InstanceCommand.PartitionOffset;
import sluice.actors.consumer.InstanceConfig;
import sluice.actors.consumer.InstanceRefs;
import sluice.actors.group.state.TopicPartition;

/**
 * The HTTP API's way to its v2 consumer instances: asks on the {@link InstanceCommand} protocol of
 * the instance of a group and name (wherever its entity runs), each answer's {@link Failure} turned
 * into the REST Proxy's error ({@link ConsumerErrors#fromFailure}) as a failed stage.
 *
 * <p>Thread-safe. An ask waits {@code request-timeout} plus a grace second, as {@link
 * GatewayClient}'s, so that the instance's own answer (which says more) normally arrives first; a
 * poll waits its own wait plus {@link GatewayClient#FETCH_GRACE}. No answer in time is 503 / 50302.
 */
final class InstanceClient {
  private static final Duration GRACE = Duration.ofSeconds(1);

  private final InstanceRefs refs;
  private final Scheduler scheduler;
  private final Duration askTimeout;

  InstanceClient(ActorSystem<?> system, InstanceRefs refs, HttpSettings settings) {
    this.refs = refs;
    this.scheduler = system.scheduler();
    this.askTimeout = settings.requestTimeout().plus(GRACE);
  }

  CompletionStage<Void> create(String group, String instance, InstanceConfig config) {
    return done(
        group, instance, "Create", true, replyTo -> new InstanceCommand.Create(config, replyTo));
  }

  CompletionStage<Void> delete(String group, String instance) {
    return done(group, instance, "Delete", false, InstanceCommand.Delete::new);
  }

  CompletionStage<InstanceConfig> config(String group, String instance) {
    return this.<InstanceCommand.ConfigAnswer>ask(
            group, instance, "GetConfig", InstanceCommand.GetConfig::new, askTimeout)
        .thenApply(answer -> orThrow(answer.failure(), group, instance, answer.config()));
  }

  CompletionStage<Void> subscribe(
      String group, String instance, List<String> topics, String topicPattern) {
    return done(
        group,
        instance,
        "Subscribe",
        false,
        replyTo -> new InstanceCommand.Subscribe(topics, topicPattern, replyTo));
  }

  CompletionStage<Void> unsubscribe(String group, String instance) {
    return done(group, instance, "Unsubscribe", false, InstanceCommand.Unsubscribe::new);
  }

  /** The subscribed topics; none without a subscription by topics or pattern. */
  CompletionStage<List<String>> subscription(String group, String instance) {
    return this.<InstanceCommand.TopicsAnswer>ask(
            group, instance, "GetSubscription", InstanceCommand.GetSubscription::new, askTimeout)
        .thenApply(answer -> orThrow(answer.failure(), group, instance, answer.topics()));
  }

  CompletionStage<Void> assign(String group, String instance, List<TopicPartition> partitions) {
    return done(
        group,
        instance,
        "Assign",
        false,
        replyTo -> new InstanceCommand.Assign(partitions, replyTo));
  }

  CompletionStage<List<TopicPartition>> assignment(String group, String instance) {
    return this.<InstanceCommand.PartitionsAnswer>ask(
            group, instance, "GetAssignment", InstanceCommand.GetAssignment::new, askTimeout)
        .thenApply(answer -> orThrow(answer.failure(), group, instance, answer.partitions()));
  }

  CompletionStage<Void> seek(String group, String instance, List<PartitionOffset> positions) {
    return done(
        group, instance, "Seek", false, replyTo -> new InstanceCommand.Seek(positions, replyTo));
  }

  CompletionStage<Void> seekTo(
      String group, String instance, List<TopicPartition> partitions, boolean beginning) {
    return done(
        group,
        instance,
        "SeekTo",
        false,
        replyTo -> new InstanceCommand.SeekTo(partitions, beginning, replyTo));
  }

  /** The next records, the instance waiting up to {@code wait} for them. */
  CompletionStage<List<ConsumedRecord>> poll(
      String group, String instance, Duration wait, int maxBytes) {
    return this.<InstanceCommand.RecordsAnswer>ask(
            group,
            instance,
            "Poll",
            replyTo -> new InstanceCommand.Poll(wait.toMillis(), maxBytes, replyTo),
            wait.plus(GatewayClient.FETCH_GRACE))
        .thenApply(answer -> orThrow(answer.failure(), group, instance, answer.records()));
  }

  /**
   * Commits {@code lastConsumed} as posted (the instance commits each offset plus one), or with
   * null everything fetched.
   */
  CompletionStage<Void> commit(String group, String instance, List<PartitionOffset> lastConsumed) {
    return done(
        group,
        instance,
        "Commit",
        false,
        replyTo -> new InstanceCommand.Commit(lastConsumed, replyTo));
  }

  /**
   * The group's committed offsets (the next to read) of those of {@code partitions} that have one.
   */
  CompletionStage<List<PartitionOffset>> committed(
      String group, String instance, List<TopicPartition> partitions) {
    return this.<InstanceCommand.CommittedAnswer>ask(
            group,
            instance,
            "GetCommitted",
            replyTo -> new InstanceCommand.GetCommitted(partitions, replyTo),
            askTimeout)
        .thenApply(answer -> orThrow(answer.failure(), group, instance, answer.offsets()));
  }

  private CompletionStage<Void> done(
      String group,
      String instance,
      String what,
      boolean creating,
      Function<ActorRef<InstanceCommand.Done>, InstanceCommand> message) {
    return this.<InstanceCommand.Done>ask(group, instance, what, message, askTimeout)
        .thenApply(
            answer -> {
              if (answer.failure() != null) {
                throw ConsumerErrors.fromFailure(answer.failure(), group, instance, creating);
              }
              return null;
            });
  }

  private static <T> T orThrow(Failure failure, String group, String instance, T value) {
    if (failure != null) {
      throw ConsumerErrors.fromFailure(failure, group, instance, false);
    }
    return value;
  }

  private <R> CompletionStage<R> ask(
      String group,
      String instance,
      String what,
      Function<ActorRef<R>, InstanceCommand> message,
      Duration timeout) {
    return AskPattern.<InstanceCommand, R>ask(refs.of(group, instance), message, timeout, scheduler)
        .exceptionally(
            failure -> {
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              if (cause instanceof TimeoutException) {
                throw RestException.noAnswer(
                    what + " of consumer instance '" + Params.abbreviate(instance) + "'", timeout);
              }
              throw failure instanceof CompletionException c ? c : new CompletionException(cause);
            });
  }
}
