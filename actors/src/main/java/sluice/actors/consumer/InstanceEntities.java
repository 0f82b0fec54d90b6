package sluice.actors.consumer;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where HTTP consumer instances live: Cluster Sharding entities of type {@link #TYPE_KEY}, one per
 * group and instance name, so that any broker's HTTP API reaches an instance wherever it runs.
 */
public final class InstanceEntities {
  public static final EntityTypeKey<InstanceCommand> TYPE_KEY =
      EntityTypeKey.create(InstanceCommand.class, "sluice-consumer-instance");

  private InstanceEntities() {}

  /**
   * The entity id of instance {@code instanceId} of group {@code groupId}: the group id in URL-safe
   * base64 (a group id may hold any character), a slash, the instance name (which may not).
   */
  public static String entityId(String groupId, String instanceId) {
    return Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(groupId.getBytes(StandardCharsets.UTF_8))
        + "/"
        + instanceId;
  }

  /** The group id and instance name of an entity id made by {@link #entityId}. */
  static String[] parse(String entityId) {
    int slash = entityId.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a consumer instance entity id: " + entityId);
    }
    String group =
        new String(
            Base64.getUrlDecoder().decode(entityId.substring(0, slash)), StandardCharsets.UTF_8);
    return new String[] {group, entityId.substring(slash + 1)};
  }

  /** Refs to the instance entities of {@code system}'s cluster; the entity type must be started. */
  public static InstanceRefs refs(ActorSystem<?> system) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return (groupId, instanceId) -> sharding.entityRefFor(TYPE_KEY, entityId(groupId, instanceId));
  }
}
