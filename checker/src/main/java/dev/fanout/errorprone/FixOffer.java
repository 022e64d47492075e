package dev.fanout.errorprone;

import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import org.jspecify.annotations.Nullable;

/**
 * A check's suggested fix, or why it offers none: a finding without a fix says so in its message,
 * so the user knows the fix was not forgotten and what stands in its way.
 *
 * @param fix the fix, null when none is offered
 * @param whyNot a sentence saying why there is no fix; empty when there is one
 */
record FixOffer(@Nullable SuggestedFix fix, String whyNot) {
  static FixOffer of(SuggestedFix fix) {
    return new FixOffer(fix, "");
  }

  static FixOffer none(String whyNot) {
    return new FixOffer(null, whyNot);
  }

  /** Sets {@code message}, with the reason when there is no fix, and adds the fix if any. */
  Description.Builder describe(Description.Builder description, String message) {
    if (fix == null) {
      return description.setMessage(message + " No fix offered: " + whyNot);
    }
    return description.setMessage(message).addFix(fix);
  }
}
