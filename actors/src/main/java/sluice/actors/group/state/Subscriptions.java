package sluice.actors.group.state;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import sluice.actors.group.log.OffsetsTopic;
import sluice.actors.group.log.RecordValue.MemberMetadata;
import sluice.actors.group.log.RecordValue.SubscribedTopic;

/**
 * What members subscribe to, resolved against the cluster's topics: names as given, a regex matched
 * in full against every topic name ({@link java.util.regex.Matcher#matches}) except the internal
 * {@code __consumer_offsets}. A topic that does not exist has no partitions and is left out, so its
 * creation changes the resolved subscription and raises the group epoch.
 */
final class Subscriptions {
  private Subscriptions() {}

  /** Null if the regex compiles, else why not. */
  static String regexError(String regex) {
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return e.getDescription();
    }
  }

  /** The names of the existing topics the member subscribes to. */
  static Set<String> topicNames(MemberMetadata member, Topics topics) {
    Set<String> names = new TreeSet<>();
    for (String name : member.subscribedTopicNames()) {
      if (topics.named(name).isPresent()) {
        names.add(name);
      }
    }
    if (member.subscribedTopicRegex() != null) {
      Pattern pattern = Pattern.compile(member.subscribedTopicRegex());
      for (String name : topics.byName().keySet()) {
        if (!name.equals(OffsetsTopic.NAME) && pattern.matcher(name).matches()) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** The group's subscription metadata: every topic some member subscribes to, by name. */
  static Map<String, SubscribedTopic> metadata(ConsumerGroup group, Topics topics) {
    Map<String, SubscribedTopic> metadata = new TreeMap<>();
    for (Member member : group.members()) {
      for (String name : topicNames(member.metadata(), topics)) {
        var topic = topics.named(name).orElseThrow();
        metadata.put(name, new SubscribedTopic(topic.topicId(), topic.partitions()));
      }
    }
    return metadata;
  }
}
