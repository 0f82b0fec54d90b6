package sluice.http;

import akka.actor.typed.ActorRef;
import java.util.Objects;
import sluice.actors.consumer.InstanceRefs;
import sluice.actors.gateway.Gateway;
import sluice.actors.group.coordinator.GroupGateway;

/**
 * Everything the HTTP API reaches the broker through: the broker's {@link Gateway} (topics,
 * records, cluster), its consumer groups' {@link GroupGateway} and the REST Proxy v2 consumer
 * instances ({@link InstanceRefs}: in a broker the instances' sharding entities).
 */
public record Backends(
    ActorRef<Gateway.Command> gateway,
    ActorRef<GroupGateway.Command> groups,
    InstanceRefs instances) {
  public Backends {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(groups, "groups");
    Objects.requireNonNull(instances, "instances");
  }
}
