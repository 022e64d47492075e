package dev.fanout.sample.pitfalls;

import dev.fanout.Context;
import dev.fanout.TaskGroup;
import dev.fanout.sample.Finding;
import dev.fanout.sample.Specialist;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The financial supervisor's portfolio review, fanned out over every holding of every client
 * account with nothing to bound it: a large book becomes thousands of concurrent calls to the
 * pricing specialist. Two UnboundedFanOut findings listed in src/pitfalls/expected-findings.txt;
 * -Pfix sets a limit where each group is made. (The executor form needs Java 21's virtual-thread
 * executor, and this project compiles for 17: see the check's tests and page.)
 */
public final class UnboundedFanOutPitfalls {
  private final Specialist pricer;

  public UnboundedFanOutPitfalls(Specialist pricer) {
    this.pricer = pricer;
  }

  /** One task per holding, into a group with no limit. */
  public List<Finding> reviewHoldings(Context ctx, List<String> holdings)
      throws InterruptedException {
    Finding[] findings = new Finding[holdings.size()];
    try (TaskGroup group = TaskGroup.withContext(ctx)) {
      for (int i = 0; i < holdings.size(); i++) {
        int slot = i;
        String holding = holdings.get(i);
        group.go(c -> findings[slot] = pricer.analyze(c, "price " + holding));
      }
      group.await();
    }
    return List.of(findings);
  }

  /** Every client account's review at once, collecting every failure. */
  public List<Finding> reviewAccounts(Context ctx, Map<String, String> ownerByAccount)
      throws InterruptedException {
    Map<String, Finding> byAccount = new ConcurrentHashMap<>();
    try (TaskGroup group = TaskGroup.builder().collectAllErrors().open(ctx)) {
      ownerByAccount.keySet().stream()
          .sorted()
          .forEach(
              account ->
                  group.go(c -> byAccount.put(account, pricer.analyze(c, "review " + account))));
      group.await();
    }
    return new ArrayList<>(byAccount.values());
  }
}
