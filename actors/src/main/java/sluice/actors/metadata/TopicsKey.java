package sluice.actors.metadata;

import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWMapKey;

/** The Distributed Data key under which the controller keeps every topic, by name. */
public final class TopicsKey {
  public static final Key<LWWMap<String, TopicMetadata>> KEY = LWWMapKey.create("sluice-topics");

  private TopicsKey() {}
}
