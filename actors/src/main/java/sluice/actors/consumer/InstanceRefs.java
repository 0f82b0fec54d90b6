package sluice.actors.consumer;

import akka.actor.typed.RecipientRef;

/**
 * Finds an HTTP consumer instance by group and name: in a broker, the instance's Cluster Sharding
 * entity, wherever it runs; in a test, a stand-in.
 */
@FunctionalInterface
public interface InstanceRefs {
  RecipientRef<InstanceCommand> of(String groupId, String instanceId);
}
