package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void readsWhatJmhWrites() {
    Object v = Json.parse("""
        [ { "benchmark" : "a.B.c", "params" : { "tasks" : "1000" },
            "primaryMetric" : { "score" : 1.5E3, "scoreError" : "NaN",
                                "scorePercentiles" : { "50.0" : 2 } },
            "ok" : true, "none" : null, "s" : "q\\"\\u00b5" } ]
        """);
    Map<?, ?> m = (Map<?, ?>) ((List<?>) v).get(0);
    assertEquals("a.B.c", m.get("benchmark"));
    assertEquals("1000", ((Map<?, ?>) m.get("params")).get("tasks"));
    Map<?, ?> pm = (Map<?, ?>) m.get("primaryMetric");
    assertEquals(1500.0, pm.get("score"));
    assertEquals("NaN", pm.get("scoreError"));
    assertEquals(Boolean.TRUE, m.get("ok"));
    assertEquals("q\"µ", m.get("s"));
  }
}
