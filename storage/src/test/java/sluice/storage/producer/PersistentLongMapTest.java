package sluice.storage.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PersistentLongMapTest {

  @Property(tries = 200)
  void behavesAsAHashMapAndLeavesEveryEarlierVersionUnchanged(@ForAll long seed) {
    Random random = new Random(seed);
    // Few distinct keys make removals and overwrites common; wide ones make deep paths.
    long[] keys = new long[1 + random.nextInt(200)];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = random.nextBoolean() ? random.nextInt(64) : random.nextLong();
    }
    PersistentLongMap<String> map = PersistentLongMap.empty();
    Map<Long, String> model = new HashMap<>();
    PersistentLongMap<String> earlier = map;
    Map<Long, String> earlierModel = Map.of();
    for (int step = 0; step < 400; step++) {
      long key = keys[random.nextInt(keys.length)];
      if (random.nextInt(3) == 0) {
        map = map.without(key);
        model.remove(key);
      } else {
        String value = "v" + step;
        map = map.with(key, value);
        model.put(key, value);
      }
      if (random.nextInt(50) == 0) {
        earlier = map;
        earlierModel = Map.copyOf(model);
      }
      assertThat(map.size()).isEqualTo(model.size());
      assertThat(map.get(key)).isEqualTo(model.get(key));
    }
    assertThat(contents(map)).isEqualTo(model);
    assertThat(contents(earlier)).isEqualTo(earlierModel);
    for (long key : keys) {
      assertThat(map.get(key)).isEqualTo(model.get(key));
    }
  }

  @Test
  void removingTheLastKeyGivesTheEmptyMapAndAbsentKeysChangeNothing() {
    PersistentLongMap<String> map = PersistentLongMap.<String>empty().with(5, "five");
    assertThat(map.without(6)).isSameAs(map);
    assertThat(map.without(5).size()).isZero();
    assertThat(map.without(5).get(5)).isNull();
    assertThat(PersistentLongMap.<String>empty().get(0)).isNull();
  }

  private static Map<Long, String> contents(PersistentLongMap<String> map) {
    Map<Long, String> contents = new HashMap<>();
    map.forEach(contents::put);
    return contents;
  }
}
