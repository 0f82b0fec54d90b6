package sluice.actors.lease;

import akka.actor.typed.ActorRef;
import sluice.actors.api.CborSerializable;

/**
 * The protocol of the write lease of a partition log on one broker: at no moment do two actors
 * write one log. A starting partition leader asks this broker's lease granter ({@link
 * WriteLeases#granter()}) for the lease before it opens its log; the granter answers once nothing
 * else writes the log and keeps the lease the holder's until the holder terminates. Local only:
 * nothing of it crosses the network, and nothing of it is durable (a broker's restart frees every
 * lease with the actors that held them).
 *
 * <p>This package depends on nothing but Akka and the API types, so that the partition leader
 * ({@code sluice.actors.partition}) asks for a lease without knowing who grants it, and the granter
 * ({@code sluice.actors.replica}) may use the partition leader's protocol. See {@code
 * docs/replica.md}.
 */
public final class WriteLease {
  private WriteLease() {}

  /**
   * What a lease granter receives. Not sealed: a granter's own protocol extends it, so that one
   * actor takes both.
   */
  public interface GranterMessage extends CborSerializable {}

  /**
   * Asks for the write lease of {@code topicPartition}'s log on this broker for {@code holder};
   * answered with {@link Granted} once no other actor writes the log. The lease is held until
   * {@code holder} terminates; asking again while holding it is answered at once.
   */
  public record Acquire(String topicPartition, ActorRef<?> holder, ActorRef<Granted> replyTo)
      implements GranterMessage {}

  /**
   * The lease holder of {@code topicPartition} found the batch at {@code offset} corrupt in its own
   * log: whichever follower next writes that log on this broker cuts it at {@code offset} before it
   * recovers, and so fetches that batch again from its leader (its leader epochs match the new
   * leader's, so the divergence check would keep the bad batch). Ignored unless {@code holder}
   * holds the lease. Not durable: a restart of the broker forgets it.
   */
  public record CutBeforeFollowing(
      String topicPartition, ActorRef<?> holder, long offset, String reason)
      implements GranterMessage {}

  /** The lease of {@code topicPartition} is the asker's. */
  public record Granted(String topicPartition) implements CborSerializable {}
}
